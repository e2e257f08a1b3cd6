"""Hostile spreadsheets through the gateway (issue 9 §1): each costs one refused request with a
Chinese message — never the gateway process — and nothing is written."""
import httpx
import psycopg
import pytest

from gateway.excel.safe_read import MAX_COLUMNS
from gateway.excel.template import member_template
from tests.support import hostile_sheets as hostile
from tests.support.helpers import assert_error, plain_dsn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HOSTILE = {
    "a1_and_xfd1048576": (hostile.a1_and_xfd, 413, "too_large", "表格超出允许范围"),
    "zip_bomb_1_gib": (hostile.zip_bomb, 413, "too_large", "解压后超过"),
    "bomb_understating_its_size": (lambda: hostile.zip_bomb(declared=1000), 400, "bad_file", "不是有效的 Excel"),
    "huge_declared_dimension": (hostile.huge_dimension, 413, "too_large", "表格超出允许范围"),
    "not_a_zip": (hostile.not_a_zip, 400, "bad_file", "不是有效的 Excel"),
    "truncated_zip": (lambda: hostile.truncated(member_template()), 400, "bad_file", "不是有效的 Excel"),
    "one_column_too_many": (lambda: hostile.columns(MAX_COLUMNS + 1), 413, "too_large", f"{MAX_COLUMNS} 列"),
}


def imports_written(system) -> int:
    with psycopg.connect(plain_dsn(system)) as conn:
        return sum(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                   for table in ("member.imports", "org.imports", "transfer.inflow_imports"))


@pytest.mark.parametrize("path", ["/imports/members", "/imports/orgs", "/imports/inflows"])
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_one_refused_request(system, api, name, path):
    make, status, code, words = HOSTILE[name]
    gateway = system.system.processes["gateway"]
    before = imports_written(system)
    response = api.post(path, files={"file": ("采集表.xlsx", make(), XLSX)}, timeout=60)
    error = assert_error(response, status, code)
    assert words in error["message"] and error["fields"]["file"] == error["message"]
    assert gateway.poll() is None, "the gateway process ended"
    assert httpx.get(f"{system.url}/healthz", timeout=5).status_code == 200
    assert imports_written(system) == before


def test_the_limits_are_in_the_openapi_document(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/imports/members", "/imports/orgs", "/imports/inflows"):
        schema = paths[path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert f"{MAX_COLUMNS} 列" in schema["properties"]["file"]["description"]
