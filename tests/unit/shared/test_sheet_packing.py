"""Rows a sheet reader packed for the services: read back whole, refused when they would inflate
past the limit or cannot be decoded."""
import base64
import json
import zlib

import pytest

from services.shared import sheet_imports
from services.shared.errors import ValidationFailed
from services.shared.sheet_imports import sheet_rows, unpacked_rows


def packed(data: bytes) -> dict:
    return {"zlib_json": base64.b64encode(zlib.compress(data, 1)).decode()}


def test_packed_rows_read_back_as_the_list_they_were():
    rows = [{"row": 2, "name": "张三", "sheet_problems": {"id_number": "x"}}, {"row": 3, "name": "李四"}]
    assert unpacked_rows(packed(json.dumps(rows, ensure_ascii=False).encode())) == rows
    assert [r["name"] for r in sheet_rows(packed(json.dumps(rows).encode()), ["name"])] == ["张三", "李四"]
    assert unpacked_rows(rows) is rows


def test_packed_rows_that_inflate_past_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(sheet_imports, "MAX_PACKED_JSON", 1000)
    with pytest.raises(ValidationFailed):
        unpacked_rows(packed(b"[" + b"1," * 1000 + b"1]"))


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"not zlib").decode(),
                                   packed(b"{not json")["zlib_json"]])
def test_undecodable_packed_rows_are_a_validation_error(value):
    with pytest.raises(ValidationFailed):
        unpacked_rows({"zlib_json": value})
