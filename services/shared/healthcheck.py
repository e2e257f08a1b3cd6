"""`python -m services.shared.healthcheck SERVICE`: exit 0 when SERVICE answers its health RPC
(the Kubernetes probe of a nameko service)."""
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from .config import amqp_uri


def main(argv=None) -> int:
    service = (argv if argv is not None else sys.argv[1:])[0]
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=5) as cluster:
            status = getattr(cluster, service).health()
    except Exception as exc:  # any failure means unhealthy; the probe only needs the exit code
        print(f"{service}: {exc}", file=sys.stderr)
        return 1
    return 0 if status.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
