"""Spreadsheet imports cannot take the gateway down (issue 9 §1). `python -m bench.import_isolation [ROWS]`.

1. A valid member collection sheet of ROWS (100,000) rows is uploaded to the preview endpoint
   while /healthz is polled every 50 ms: healthz p50/p95/max during the preview.
2. Each hostile file is uploaded once while the gateway and its children (the sheet readers)
   are sampled every 5 ms: the answer, and the peak RSS of the gateway and of the reader.
3. Each hostile file is also given, in a child with the readers' memory limit, to the vetting
   alone and to calamine alone (what the gateway did before): outcome and peak RSS.
"""
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import httpx
import psutil

from services.member.domain.id_number import check_char
from services.shared.config import int_setting
from tests.support import hostile_sheets as hostile

from .harness import ROOT, admin_client, record, running_system, summary_ms

BRANCH_CODE = "BI0000100001"
OPTIONAL = ["2011-07-01", "山东济南", "大学本科", "专业技术人员", "2012-01-01", "13800000000", "", "北京市某区某街道"]


def valid_sheet(rows: int, org_code: str) -> bytes:
    """A 党员采集表 with `rows` valid members (unique ID numbers), every column filled."""
    lines = [hostile.header_row()]
    first = date(1960, 1, 1)
    for n in range(rows):
        first17 = f"110105{first + timedelta(days=n // 900):%Y%m%d}{n % 900 + 100:03d}"
        values = [f"党员{n}", first17 + check_char(first17), "汉族", "正式党员", "2010-07-01", org_code, *OPTIONAL]
        number = n + 2
        lines.append(f'<row r="{number}">' + "".join(
            hostile.inline(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values) if v) + "</row>")
    return hostile.tiny_xlsx(hostile.worksheet(lines))


class Sampler:
    """Peak RSS of a process and, separately, of its children, sampled every `every` seconds."""

    def __init__(self, pid: int, every: float = 0.005):
        self.process, self.every = psutil.Process(pid), every
        self.parent_peak = self.child_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.parent_peak = max(self.parent_peak, self.process.memory_info().rss)
                for child in self.process.children(recursive=True):
                    self.child_peak = max(self.child_peak, child.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def poll_healthz(url: str, stop: threading.Event, timings: list, failures: list) -> None:
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                ok = client.get(f"{url}/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            timings.append(time.perf_counter() - started)
            if not ok:
                failures.append(time.time())
            time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))


def preview_under_watch(system, client: httpx.Client, content: bytes) -> dict:
    stop, timings, failures = threading.Event(), [], []
    poller = threading.Thread(target=poll_healthz, args=(system.gateway_url, stop, timings, failures), daemon=True)
    poller.start()
    time.sleep(1)
    baseline = len(timings)
    with Sampler(system.processes["gateway"].pid) as sampler:
        started = time.perf_counter()
        response = client.post("/imports/members", files={"file": ("党员.xlsx", content, "application/octet-stream")},
                               timeout=900)
        elapsed = time.perf_counter() - started
    stop.set()
    poller.join()
    during = timings[baseline:]
    body = response.json()
    return {"status": response.status_code, "rows": body.get("rows"), "valid": body.get("valid"),
            "file_bytes": len(content), "preview_s": round(elapsed, 1),
            "healthz_during": {**summary_ms(during), "max_ms": round(max(during) * 1000, 1)},
            "healthz_failures": len(failures),
            "gateway_peak_rss_mb": round(sampler.parent_peak / 2**20, 1),
            "reader_peak_rss_mb": round(sampler.child_peak / 2**20, 1)}


HOSTILE = {
    "A1 + XFD1048576 (issue's file)": hostile.a1_and_xfd,
    "A1 + XFD1048576, dimension understated": hostile.a1_and_xfd_undeclared,
    "zip bomb, 1 GiB of zeros": hostile.zip_bomb,
    "zip bomb, headers understate it": lambda: hostile.zip_bomb(declared=1000),
    "declared dimension A1:J900000": hostile.huge_dimension,
    "31 columns": lambda: hostile.columns(31),
    "not a zip": hostile.not_a_zip,
}


def hostile_uploads(system, client: httpx.Client) -> list[dict]:
    results = []
    for name, make in HOSTILE.items():
        content = make()
        with Sampler(system.processes["gateway"].pid) as sampler:
            started = time.perf_counter()
            response = client.post("/imports/members", files={"file": ("x.xlsx", content, "application/octet-stream")},
                                   timeout=120)
            elapsed = time.perf_counter() - started
        healthz = httpx.get(f"{system.gateway_url}/healthz", timeout=5).status_code
        results.append({"file": name, "bytes": len(content), "status": response.status_code,
                        "message": response.json()["error"]["message"], "answer_ms": round(elapsed * 1000),
                        "gateway_peak_rss_mb": round(sampler.parent_peak / 2**20, 1),
                        "reader_peak_rss_mb": round(sampler.child_peak / 2**20, 1),
                        "healthz_after": healthz, "gateway_alive": system.processes["gateway"].poll() is None})
    return results


ALONE = """
import io, resource, sys
from gateway.excel.worker import limit_resources
limit_resources({mb}, 60)
content = sys.stdin.buffer.read()
try:
    if sys.argv[1] == "vetting":
        from gateway.excel.safe_read import vetted_workbook
        vetted_workbook(content, "党员采集表")
    else:
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        for _ in book.get_sheet_by_index(0).iter_rows():
            pass
    outcome = "read"
except Exception as exc:
    outcome = type(exc).__name__ + ": " + str(exc)[:90]
print(outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, sep="\\t")
"""


def reader_alone() -> list[dict]:
    """Which reader allocates: the vetting and calamine each given the file in a limited child."""
    results = []
    megabytes = int_setting("PMIS_IMPORT_MEMORY_MB")
    for name, make in HOSTILE.items():
        content = make()
        row = {"file": name}
        for reader in ("vetting", "calamine"):
            child = subprocess.run([sys.executable, "-c", ALONE.format(mb=megabytes), reader], input=content,
                                   cwd=ROOT, capture_output=True, timeout=120)
            if child.returncode == 0:
                outcome, peak = child.stdout.decode().strip().split("\t")
                row[reader] = {"outcome": outcome, "peak_rss_mb": int(peak)}
            else:
                last = child.stderr.decode(errors="replace").strip().splitlines()[:1]
                row[reader] = {"outcome": f"process died ({child.returncode}): {' '.join(last)[:120]}"}
        results.append(row)
    return results


def main(rows: int = 100_000) -> None:
    started = time.perf_counter()
    alone = reader_alone()
    with running_system() as (system, rpc, env):
        client = admin_client(system, env)
        root = client.get("/orgs/1").json()
        branch = client.post("/orgs", json={"name": "导入基准支部", "code": BRANCH_CODE, "type": "31",
                                            "parent_id": root["id"]})
        branch.raise_for_status()
        content = valid_sheet(rows, BRANCH_CODE)
        preview = preview_under_watch(system, client, content)
        uploads = hostile_uploads(system, client)
        record("import_isolation", {
            "method": f"preview of a valid {rows}-row 党员采集表 with /healthz polled every 50 ms; each hostile file "
                      "uploaded once with the gateway and its children sampled every 5 ms (psutil RSS); each hostile "
                      "file also given to the vetting alone and to calamine alone in a child with the readers' limit",
            "limits": {key: int_setting(f"PMIS_IMPORT_{key.upper()}") for key in ("memory_mb", "timeout", "workers")},
            "preview": preview, "hostile_uploads": uploads, "reader_alone": alone,
            "total_s": round(time.perf_counter() - started, 1)})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
