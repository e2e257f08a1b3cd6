"""`python -m gateway`: serve the gateway with uvicorn on PMIS_GATEWAY_HOST:PMIS_GATEWAY_PORT."""
import logging

import uvicorn

from services.shared.config import int_setting, setting

from .app import create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(), host=setting("PMIS_GATEWAY_HOST"), port=int_setting("PMIS_GATEWAY_PORT"),
                log_level="warning", proxy_headers=True)


if __name__ == "__main__":
    main()
