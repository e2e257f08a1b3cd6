"""`python -m services.shared.healthcheck SERVICE`: exit 0 when SERVICE answers its health RPC
(the Kubernetes probe of a nameko service). The launcher calls `healthy` in its own process: a
Python started per check costs a second of CPU while fourteen others are starting (and it
prints nothing there: a service still starting is not news)."""
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from .config import amqp_uri


def health_problem(service: str, uri: str, timeout: float = 5) -> str | None:
    """None when SERVICE answers its health RPC with ok; else what went wrong."""
    try:
        with ClusterRpcProxy({"AMQP_URI": uri}, timeout=timeout) as cluster:
            status = getattr(cluster, service).health()
    except Exception as exc:  # any failure means unhealthy
        return f"{service}: {exc!r}"
    return None if status.get("ok") else f"{service}: {status}"


def main(argv=None) -> int:
    service = (argv if argv is not None else sys.argv[1:])[0]
    if problem := health_problem(service, amqp_uri()):
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
