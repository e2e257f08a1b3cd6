"""The indexed router picks the route Starlette's own loop would: for every API and page route, a
path it matches (and the same with a slash added or taken away, and made-up ones), under every
method, the first full match or else the first partial one (405) among its candidates is the one
among all the routes."""
import re

import pytest
from starlette.routing import Match, Mount, Route

from gateway.api.routes import routes as api_routes
from gateway.app import create_app
from gateway.routing import IndexedRouter, signature
from gateway.web import pages

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")


def pick(routes, path: str, method: str):
    partial = None
    for route in routes:
        match, _ = route.matches({"type": "http", "path": path, "root_path": "", "method": method})
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial


def sample_path(template: str) -> str:
    return re.sub(r"\{[^}:]+:path\}", "a/b/c", re.sub(r"\{[^}:]+(:(int|str))?\}", "7", template))


def paths_of(routes) -> set[str]:
    found = {"/", "", "/zzz", "/zzz/1", "/orgs/1/zzz/2/3/4", "/" + "a/" * 40}
    for route in routes:
        path = sample_path(route.path)
        found |= {path, path.rstrip("/") or "/", path + "/"}
    return found


def test_the_gateway_routes_through_indexed_routers():
    app = create_app()
    assert isinstance(app.router, IndexedRouter)
    api = next(route for route in app.routes if isinstance(route, Mount) and route.path == "/api/v1")
    assert isinstance(api.app, IndexedRouter) and api.routes == api_routes


@pytest.mark.parametrize("name, routes", [("api", api_routes), ("pages", pages.routes),
                                          ("top", create_app().routes),
                                          ("varying", [Route("/{id}", lambda r: None, methods=["GET"]),
                                                       Route("/files/{rest:path}", lambda r: None),
                                                       Route("/x/{id}", lambda r: None, methods=["POST"]),
                                                       Mount("/m", app=lambda s, r, w: None)])])
def test_the_indexed_router_picks_what_starlettes_loop_picks(name, routes):
    indexed = IndexedRouter(routes=routes)
    for path in sorted(paths_of(routes)):
        for method in METHODS:
            assert pick(indexed._candidates(path), path, method) is pick(routes, path, method), (path, method)


def test_made_up_paths_do_not_grow_the_index():
    indexed = IndexedRouter(routes=api_routes)
    for n in range(2000):
        indexed._candidates(f"/made-up-{n}/" + "x/" * (n % 50))
    assert len(indexed.__dict__["_index"]["found"]) <= 2 * len({signature(r) for r in api_routes}) + 2


def test_signatures():
    assert signature(Route("/orgs/{id}/members", lambda r: None)) == ("orgs", 3)
    assert signature(Route("/{id}", lambda r: None)) == (None, 1)
    assert signature(Route("/files/{rest:path}", lambda r: None)) == ("files", None)
    assert signature(Mount("/static", app=lambda s, r, w: None)) == ("static", None)
