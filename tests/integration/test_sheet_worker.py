"""The sheet worker: collection sheets are read in a child process with memory and time limits;
a child that dies or overruns becomes one refused read, and the next read works."""
import json
import subprocess
import sys

import pytest

from gateway.excel.safe_read import SheetError
from gateway.excel.worker import ROOT, read_in_worker
from services.shared.sheet_imports import unpacked_rows
from tests.support import hostile_sheets as hostile
from tests.support.helpers import run_coroutine

MEMBER = ["张三", "11010519491231002X", "汉族", "正式党员", "2010-07-01", "B1"]


def valid_sheet() -> bytes:
    row = '<row r="2">' + "".join(hostile.inline(f"{chr(65 + i)}2", v) for i, v in enumerate(MEMBER)) + "</row>"
    return hostile.tiny_xlsx(hostile.worksheet([hostile.header_row(), row]))


def read(content: bytes, kind: str = "member") -> list[dict]:
    return unpacked_rows(json.loads(run_coroutine(read_in_worker(kind, content))))


def refused(content: bytes) -> SheetError:
    with pytest.raises(SheetError) as caught:
        read(content)
    return caught.value


def test_a_valid_sheet_is_read_in_the_worker():
    [row] = read(valid_sheet())
    assert row["row"] == 2 and row["name"] == "张三" and row["org_code"] == "B1"


def test_a_hostile_sheet_is_refused_by_the_worker_with_its_message():
    error = refused(hostile.a1_and_xfd())
    assert error.status == 413 and error.message.startswith("表格超出允许范围")
    assert refused(hostile.not_a_zip()).status == 400


def test_a_worker_that_runs_out_of_memory_is_one_413_and_the_next_read_works(monkeypatch):
    monkeypatch.setenv("PMIS_IMPORT_MEMORY_MB", "40")
    error = refused(valid_sheet())
    assert error.status == 413 and "超出内存上限（40 MB）" in error.message
    monkeypatch.delenv("PMIS_IMPORT_MEMORY_MB")
    assert len(read(valid_sheet())) == 1


def test_a_worker_over_its_time_is_killed_and_refused(monkeypatch):
    monkeypatch.setenv("PMIS_IMPORT_TIMEOUT", "0")
    error = refused(valid_sheet())
    assert error.status == 413 and "读取超时" in error.message


def test_the_memory_limit_contains_the_readers_dense_grid_that_once_aborted_the_gateway():
    """Without the checks, calamine asks for 512 GiB for the issue's file: in a limited child
    that is the child's end, not ours."""
    script = ("import io, sys; from gateway.excel.worker import limit_resources; limit_resources(1024, 30); "
              "from python_calamine import CalamineWorkbook; "
              "CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read())).get_sheet_by_index(0)")
    child = subprocess.run([sys.executable, "-c", script], input=hostile.a1_and_xfd(), cwd=ROOT,
                           capture_output=True, timeout=60)
    assert child.returncode != 0 and b"memory allocation" in child.stderr
