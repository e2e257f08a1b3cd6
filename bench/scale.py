"""Daily-management figures on a synthetic province: `python -m bench.scale MEMBERS`.

Through the gateway (HTTP → RPC → services → PostgreSQL), after 20 warm-up requests each,
200 sequential requests per case: quick search (a surname, a two-character name prefix,
pinyin initials, an ID-number prefix), a branch's member list page, expanding tree nodes at
each level. Then the roster export of the largest subtree up to 100,000 members (time and the
gateway's peak memory), and an import of 100,000 new members (preview, then commit).
"""
import io
import sys
import threading
import time

import psutil
from openpyxl import Workbook

from services.member.domain.id_number import check_char
from services.shared.member_sheet import IMPORT_COLUMNS

from . import province
from .harness import admin_client, record, running_system, summary_ms

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def timed(client, path, params=None, n=200) -> dict:
    for _ in range(20):
        client.get(path, params=params).raise_for_status()
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(path, params=params).raise_for_status()
        timings.append(time.perf_counter() - started)
    return summary_ms(timings)


def peak_rss_during(pid: int, action):
    process, peak, done = psutil.Process(pid), [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.05)

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        result = action()
    finally:
        done.set()
        thread.join()
    return result, peak[0] / 2**20


def import_sheet(rows: int, branch_codes: list[str]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员采集表")
    sheet.append([column.header for column in IMPORT_COLUMNS])
    for i in range(rows):
        first17 = f"{650100 + i // 1000:06d}19850615{i % 1000:03d}"
        sheet.append([f"导入{i}", first17 + check_char(first17), "汉族", "正式党员", "2010-07-01",
                      branch_codes[i % len(branch_codes)]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure(system, client, members: int) -> dict:
    """The daily-management figures on a running system that holds the generated province."""
    root = client.get("/orgs/1").json()
    city = client.get("/orgs/1/children").json()["items"][0]
    county = client.get(f"/orgs/{city['id']}/children").json()["items"][0]
    committee = client.get(f"/orgs/{county['id']}/children").json()["items"][0]
    branch = client.get(f"/orgs/{committee['id']}/children").json()["items"][0]
    sample = client.get(f"/orgs/{branch['id']}/members").json()["items"][0]
    results = {"search": {
        "surname 王": timed(client, "/members", {"q": "王"}),
        "name prefix 王伟": timed(client, "/members", {"q": "王伟"}),
        "initials wj": timed(client, "/members", {"q": "wj"}),
        "id prefix (10 digits)": timed(client, "/members", {"q": sample["id_number"][:10]}),
    }, "member_list_page": timed(client, f"/orgs/{branch['id']}/members"), "tree_expand": {
        "root (16 cities)": timed(client, f"/orgs/{root['id']}/children"),
        "city (10 counties)": timed(client, f"/orgs/{city['id']}/children"),
        "county (12 committees)": timed(client, f"/orgs/{county['id']}/children"),
        "committee (branches)": timed(client, f"/orgs/{committee['id']}/children"),
    }}
    target = root if members <= 100_000 else city
    gateway = system.processes["gateway"].pid
    started = time.perf_counter()
    response, peak = peak_rss_during(gateway, lambda: client.get(f"/orgs/{target['id']}/members.xlsx",
                                                                  timeout=600))
    response.raise_for_status()
    results["roster_export"] = {"members": target["member_count"] if "member_count" in target else members,
                                "seconds": round(time.perf_counter() - started, 1),
                                "bytes": len(response.content), "gateway_peak_rss_mib": round(peak, 1)}
    codes = [o["code"] for o in client.get(f"/orgs/{committee['id']}/children").json()["items"]]
    content = import_sheet(100_000, codes)
    started = time.perf_counter()
    preview = client.post("/imports/members", files={"file": ("导入.xlsx", content, XLSX)}, timeout=600)
    preview.raise_for_status()
    previewed = time.perf_counter()
    committed = client.post(f"/imports/{preview.json()['id']}/commit", timeout=600)
    committed.raise_for_status()
    done = time.perf_counter()
    results["import_100k"] = {"file_mib": round(len(content) / 2**20, 1),
                              "preview_s": round(previewed - started, 1),
                              "commit_s": round(done - previewed, 1), "total_s": round(done - started, 1),
                              "valid": preview.json()["valid"], "written": committed.json()["written"]}
    return results


def main(members: int = 100_000) -> None:
    with running_system(PMIS_RPC_TIMEOUT="180") as (system, rpc, env):
        client = admin_client(system, env)
        generated = province.generate(env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://"),
                                      members)
        record(f"scale_{members}", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                                    "generated": generated, **measure(system, client, members)})


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
