"""Every (path, method) of the JSON API and of the web pages is routed once: Starlette takes
the first match, so a second module reusing a path would be silently unreachable."""
from collections import Counter

import pytest

from gateway.api.routes import routes as api_routes
from gateway.web.pages import routes as page_routes


@pytest.mark.parametrize("routes", [api_routes, page_routes], ids=["api", "pages"])
def test_no_path_and_method_is_routed_twice(routes):
    seen = Counter((route.path, method) for route in routes for method in (route.methods or ()))
    assert [key for key, n in seen.items() if n > 1] == []
