"""Starlette's router, trying only the routes a path's first segment can match.

Starlette matches a request against its routes one by one, a regular expression each. With the
API's 348 routes and the pages' 189 that was a third of the gateway's CPU for a trivial read (a
request for /api/v1/code-tables/sex tried 304 routes before its own; py-spy, docs/BENCHMARKS.md).
Here a request tries only the routes whose path can have its first segment and its number of
segments (a parameter matches one segment; a mount or a {…:path} parameter any number), in their
declared order, so the first full match and the first partial match (405) are what Starlette's
own loop would find.
"""
from starlette._utils import get_route_path
from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send


def first_segment(path: str) -> str:
    """"orgs" of "/orgs/1/members", "" of "/" or ""."""
    return path[1:].split("/", 1)[0] if path.startswith("/") else ""


def signature(route: BaseRoute) -> tuple[str | None, int | None]:
    """(the first segment, the number of slashes) of every path the route can match; None where
    it varies (a parameter as the first segment; a mount, or a {…:path} parameter, spans slashes)."""
    if not isinstance(route, (Route, Mount)) or not route.path.startswith("/"):
        return None, None
    segment = first_segment(route.path)
    if "{" in segment or (isinstance(route, Mount) and not segment):
        segment = None
    spans = isinstance(route, Mount) or ":path}" in route.path
    return segment, None if spans else route.path.count("/")


def first_match(routes, scope: Scope) -> tuple[BaseRoute, Scope] | None:
    """Starlette's rule: the first route that matches fully, else the first that matches partly
    (its path but not the method: the 405), with the scope it adds; None when none matches."""
    partial = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return route, child_scope
        if match is Match.PARTIAL and partial is None:
            partial = route, child_scope
    return partial


class IndexedRouter(Router):
    _index: dict | None = None

    def _candidates(self, route_path: str) -> list[BaseRoute]:
        index = self._index
        if index is None or index["size"] != len(self.routes):  # built once; again if routes were added
            signatures = [signature(route) for route in self.routes]
            index = self._index = {
                "size": len(self.routes), "signatures": signatures, "found": {},
                "segments": {segment for segment, _ in signatures if segment is not None},
                "counts": {count for _, count in signatures if count is not None}}
        segment, count = first_segment(route_path), route_path.count("/")
        # Keys only from what the routes name: a flood of made-up paths cannot grow the cache.
        key = (segment if segment in index["segments"] else None, count if count in index["counts"] else None)
        found = index["found"].get(key)
        if found is None:
            found = index["found"][key] = [
                route for route, (fixed, slashes) in zip(self.routes, index["signatures"])
                if (fixed is None or fixed == key[0]) and (slashes is None or slashes == key[1])]
        return found

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):  # lifespan
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        route_path = get_route_path(scope)
        found = first_match(self._candidates(route_path), scope)
        if found is not None:
            route, child_scope = found
            scope["route"] = route
            scope.update(child_scope)
            await route.handle(scope, receive, send)
            return
        if scope["type"] == "http" and self.redirect_slashes and route_path != "/":
            redirect_scope = dict(scope)
            if route_path.endswith("/"):
                redirect_scope["path"] = redirect_scope["path"].rstrip("/")
            else:
                redirect_scope["path"] = redirect_scope["path"] + "/"
            if first_match(self._candidates(get_route_path(redirect_scope)), redirect_scope) is not None:
                await RedirectResponse(url=str(URL(scope=redirect_scope)))(scope, receive, send)
                return
        await self.default(scope, receive, send)
