"""`python -m gateway`: serve the gateway with uvicorn on PMIS_GATEWAY_HOST:PMIS_GATEWAY_PORT."""
import uvicorn

from services.shared.config import int_setting, setting
from services.shared.observability import logs, metrics, tracing

from .app import create_app


def main() -> None:
    logs.configure("gateway")
    tracing.setup("gateway", "gateway")
    metrics.serve()
    # log_config=None: uvicorn's own loggers write through ours (the format PMIS_LOG_FORMAT chose).
    uvicorn.run(create_app(), host=setting("PMIS_GATEWAY_HOST"), port=int_setting("PMIS_GATEWAY_PORT"),
                log_level="warning", log_config=None, proxy_headers=True,
                # Idle connections outlive their clients' and proxies' (httpx 5 s, nginx 60 s): at uvicorn's
                # 5 s a client reusing a connection the gateway closed that instant got "Server disconnected"
                # (1 of 20 phones completing an upload after 6 s of PUTs to S3, bench/orglife_scale.py).
                timeout_keep_alive=int_setting("PMIS_GATEWAY_KEEPALIVE_SECONDS"))


if __name__ == "__main__":
    main()
