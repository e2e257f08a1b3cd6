"""What finding a request's route costs the gateway, Starlette's loop against the indexed router
(gateway/routing.py), in one process, alternately: `python -m bench.gateway_routing [N]` (default
20,000 per path and way).

Each figure: the microseconds to find the route of one API path the way the router does it
(first full match, else first partial), through every route (Starlette's Router) or through the
candidates of the path's first segment and length (IndexedRouter), median of 7 alternating runs.
The paths: the trivial read of issue 18's gateway figure, an organization's card, a member list
under an organization, and a path no route has (a 404).
"""
import statistics
import sys
import time

from gateway.api.routes import routes
from gateway.routing import IndexedRouter, first_match

from .harness import exit_code, record

PATHS = ("/code-tables/sex", "/orgs/1", "/orgs/1/members", "/no-such/1")


def timed(find, path: str, n: int) -> float:
    scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
    started = time.perf_counter()
    for _ in range(n):
        find(scope)
    return (time.perf_counter() - started) / n * 1e6


def main(n: int = 20_000) -> None:
    indexed = IndexedRouter(routes=routes)
    ways = {"starlette": lambda scope: first_match(routes, scope),
            "indexed": lambda scope: first_match(indexed._candidates(scope["path"]), scope)}
    results = {}
    for path in PATHS:
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        assert ways["starlette"](scope) == ways["indexed"](scope)
        runs = {name: [] for name in ways}
        for run in range(7):
            for name in (("starlette", "indexed") if run % 2 else ("indexed", "starlette")):
                runs[name].append(timed(ways[name], path, n))
        results[path] = {f"{name}_us": round(statistics.median(found), 2) for name, found in runs.items()}
    record("gateway_routing", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                               "routes": len(routes), "per_request": results})


if __name__ == "__main__":
    sys.exit(exit_code(lambda: main(*(int(arg) for arg in sys.argv[1:]))))
