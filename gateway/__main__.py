"""`python -m gateway`: serve the gateway with uvicorn on PMIS_GATEWAY_HOST:PMIS_GATEWAY_PORT."""
import logging

import uvicorn

from services.shared.config import int_setting, setting

from .app import create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(), host=setting("PMIS_GATEWAY_HOST"), port=int_setting("PMIS_GATEWAY_PORT"),
                log_level="warning", proxy_headers=True,
                # Idle connections outlive their clients' and proxies' (httpx 5 s, nginx 60 s): at uvicorn's
                # 5 s a client reusing a connection the gateway closed that instant got "Server disconnected"
                # (1 of 20 phones completing an upload after 6 s of PUTs to S3, bench/orglife_scale.py).
                timeout_keep_alive=int_setting("PMIS_GATEWAY_KEEPALIVE_SECONDS"))


if __name__ == "__main__":
    main()
