"""Reading an uploaded collection sheet in a child process with a memory and a time limit, so a
hostile file costs one refused request, never the gateway.

Each read is its own short-lived process (`python -m gateway.excel.worker KIND MB SECONDS`, the
file on stdin; on stdout "rows" or "error" on a line, then JSON): one that runs out of memory or
time is killed alone, nothing is left to recover, and a concurrent read of another user's file
is untouched. At most
PMIS_IMPORT_WORKERS run at once; the gateway awaits them without blocking its event loop."""
import asyncio
import base64
import contextlib
import json
import logging
import os
import resource
import signal
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from services.shared.config import int_setting

from .safe_read import MAX_FILE_BYTES, SheetError, SheetTooLarge

if TYPE_CHECKING:
    from ..rpc import EncodedJson

log = logging.getLogger("pmis.gateway")
ROOT = Path(__file__).resolve().parents[2]
# Each kind of sheet and the reader.py function that reads it (imported in the child only): 党员, 党组织,
# 入党申请人, 发展纪实采集表, 党费基数表, 党费交纳记录表, 党籍变动历史表, 流出党员, 流入党员, 换届, 组织生活采集表,
# 组织生活附件清单, 党员信息集采集表 (a sheet an info set), 组织奖惩采集表 and 党内统计年报 (every sheet: 导入上年报表).
READERS = {"member": "read_member_rows", "org": "read_org_rows", "applicant": "read_applicant_rows",
           "development": "read_development_rows", "dues_base": "read_dues_base_rows",
           "dues_payment": "read_dues_payment_rows", "history": "read_history_rows", "outflow": "read_outflow_rows",
           "inflow": "read_inflow_rows", "term": "read_term_rows", "meeting": "read_meeting_rows",
           "meeting_file": "read_meeting_file_rows", "info": "read_info_rows", "sanction": "read_sanction_rows",
           "report": "read_report_sheets"}
KINDS = tuple(READERS)
_slots: asyncio.Semaphore | None = None


def _too_much_memory(megabytes: int) -> SheetTooLarge:
    return SheetTooLarge(f"表格过大或结构异常：读取时超出内存上限（{megabytes} MB），已拒绝；"
                         "请删除多余的行列或分批导入")


def limit_resources(megabytes: int, seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 1,) * 2)  # a backstop should the parent vanish
    # Should the container's memory run out all the same, the kernel kills this reader, not the gateway.
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text("1000")


def main(argv: list[str]) -> None:
    kind, megabytes, seconds = argv[0], int(argv[1]), int(argv[2])
    limit_resources(megabytes, seconds)
    from . import reader

    content = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    try:
        rows = getattr(reader, READERS[kind])(content)
        # Packed as services/shared/sheet_imports.unpacked_rows takes them: the gateway only relays.
        answer = b"rows\n" + base64.b64encode(zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 1))
    except SheetError as exc:
        answer = _error_answer(exc)
    except MemoryError:
        answer = _error_answer(_too_much_memory(megabytes))
    sys.stdout.buffer.write(answer)


def _error_answer(error: SheetError) -> bytes:
    return b"error\n" + json.dumps({"status": error.status, "message": error.message}, ensure_ascii=False).encode()


async def read_in_worker(kind: str, content: bytes) -> "EncodedJson":
    """The rows of the `kind` collection sheet in `content` ([{"row": n, <key>: text}, …]) packed
    as JSON for the service (sheet_imports.unpacked_rows), read in a limited child process and
    never decoded here; SheetError (400) or SheetTooLarge (413) when the file cannot or may not be read."""
    # Here, not at the top: the child runs this module too, and gateway.rpc (aio-pika, the database
    # drivers) was a second of its start-up on every upload.
    from ..rpc import EncodedJson

    global _slots
    if kind not in KINDS:
        raise ValueError(kind)
    if _slots is None:
        _slots = asyncio.Semaphore(int_setting("PMIS_IMPORT_WORKERS"))
    megabytes, seconds = int_setting("PMIS_IMPORT_MEMORY_MB"), int_setting("PMIS_IMPORT_TIMEOUT")
    async with _slots:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway.excel.worker", kind, str(megabytes), str(seconds),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            cwd=ROOT, env={**os.environ, "MALLOC_ARENA_MAX": "2"})  # glibc's per-thread arenas eat address space
        try:
            out, err = await asyncio.wait_for(child.communicate(content), seconds)
        except asyncio.TimeoutError:
            raise SheetTooLarge(f"表格读取超时（上限 {seconds} 秒），已拒绝；请分批导入") from None
        finally:
            if child.returncode is None:  # timed out, or the request was cancelled
                child.kill()
                await child.wait()
    if child.returncode == -signal.SIGXCPU:
        raise SheetTooLarge(f"表格读取超时（上限 {seconds} 秒），已拒绝；请分批导入")
    kind_of_answer, _, payload = out.partition(b"\n")
    if child.returncode != 0 or kind_of_answer not in (b"rows", b"error"):
        log.warning("sheet worker ended with %s: %s", child.returncode, err[-500:].decode(errors="replace"))
        raise _too_much_memory(megabytes)
    if kind_of_answer == b"error":
        error = json.loads(payload)
        raise (SheetTooLarge if error["status"] == 413 else SheetError)(error["message"])
    return EncodedJson(b'{"zlib_json": "' + payload + b'"}')


if __name__ == "__main__":
    main(sys.argv[1:])
