"""Small helpers every test layer uses: waiting for asynchronous effects, the database URL
for psycopg, and the one error shape."""
import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gateway.rpc import RemoteError

CJK = re.compile(r"[\u4e00-\u9fff]")


def run_coroutine(coroutine):
    """asyncio.run in a thread of its own: a browser test's Playwright session keeps an event loop
    running in the main thread for the rest of the test session, where asyncio.run is refused."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def csrf_of(html: str) -> str:
    """The CSRF token a rendered form carries."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def wait_for(fetch, predicate, timeout: float = 60.0, what: str = "condition"):
    """Poll `fetch` until `predicate(value)` holds; fail with the last value after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if predicate(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        time.sleep(0.1)


def plain_dsn(system) -> str:
    """The session database's URL for psycopg (no SQLAlchemy driver suffix)."""
    return system.env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)


def sql(system, statement: str, *params) -> list:
    """One statement on the session database, committed; its rows (none for a statement without)."""
    import psycopg

    with psycopg.connect(plain_dsn(system)) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def assert_reconciled(rpc, org_id: int) -> None:
    result = rpc.call("stats", "reconcile", org_id=org_id)
    assert result["total_differences"] == 0, result["differences"]


def remote_error(call) -> RemoteError:
    with pytest.raises(RemoteError) as caught:
        call()
    return caught.value


def assert_error(response: httpx.Response, status: int, error_code: str | None = None) -> dict:
    """The one error body, with a Chinese message and no stack trace."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    if error_code is not None:
        assert error["code"] == error_code, error
    assert CJK.search(error["message"]), f"错误信息不是中文：{error['message']!r}"
    assert "Traceback" not in response.text
    return error
