"""组织生活 (issue 14) figures on a synthetic province: `python -m bench.orglife_scale MEMBERS
[MEETINGS [UPLOAD_MB [UPLOADS]]]` (defaults 1,000,000 · 2 per member · 20 · 20).

The whole system runs (private database and vhost, the local S3 server SeaweedFS as the tests start
it); the province is generated (bench/province.py) and MEETINGS meeting records of the last three
years (this year up to yesterday) seeded (`seed_meetings`) by COPY into the org service's own tables
as its commands would have left them: `meetings` (one per branch, kind and period of the kind's
frequency, kept at random to reach MEETINGS; 党课 with speaker and title; older ones signed and
locked), `meeting_people` (the branch's members who had joined by the day: 9 in 10 present, the
others absent with a reason), `meeting_history` (recorded, signed), the held counts `meeting_counts`,
and the period counts and roll-up (`meeting_period_counts`, `orglife_done`) recounted by the service's
own `orglife_counts.rebuild`. Then, through the gateway (HTTP → RPC → services → PostgreSQL):
1. a branch's year list (GET /orgs/{id}/meetings?year=last year) as the branch's clerk, and the
   province's completion summary (GET /orgs/{root}/org-life/summary?year=last year) and reminders
   (GET /orgs/{root}/org-life/due) as the administrator: 20 warm-up requests, then 200 each
   (p50/p95). Goals: branch p95 < 100 ms, province summary p95 < 500 ms;
2. UPLOADS phones at once each uploading a UPLOAD_MB MB video of a meeting: begin (POST
   /meetings/{id}/attachments), the parts PUT straight to the S3 server with their presigned URLs,
   complete (POST /attachments/{upload_id}/complete, which verifies the content); the gateway's
   process (and children) CPU and RSS sampled every 100 ms from 2 s before to the end (it only
   signs: its RSS should stay flat and its CPU low while the bytes flow past it).
"""
import random
import statistics
import sys
import threading
import time
from array import array
from collections import Counter
from datetime import date, datetime, timedelta

import httpx
import psutil
import psycopg
from sqlalchemy import create_engine

from services.org import orglife_counts
from services.org.domain.meetings import LECTURE, MEETING_KINDS
from services.org.domain.orglife_rules import period_months, rules_for

from . import province
from .harness import admin_client, clerk_client, exit_code, record, running_system, summary_ms
from .scale import timed
from .transfers_scale import dsn_of, ok, progress

MB = 2**20
PLACES = ("党员活动室", "会议室", "党群服务中心", "红色教育基地")
TOPICS = ("学习贯彻党的二十大精神", "学习党章党规", "讨论发展党员工作", "部署年度工作", "开展批评与自我批评",
          "重温入党誓词", "学习习近平新时代中国特色社会主义思想", "研究党费收缴工作")
REASONS = ("因公出差", "病假", "事假", "外出学习")
SAMPLE_EVERY = 0.1


def _slots(years: list[int], today: date) -> list[tuple[int, str, int]]:
    """(year, kind, month) of every required period of the years, each at a month of its period
    before this month ends (no meeting is in the future)."""
    slots = []
    for year in years:
        rules = rules_for(year)
        for kind, frequency in rules.kinds.items():
            keys = {"month": [f"M{m:02d}" for m in range(1, 13)], "quarter": ["Q1", "Q2", "Q3", "Q4"],
                    "year": ["Y"]}[frequency.period]
            for key in keys:
                months = [m for m in period_months(key) if (year, m) <= (today.year, today.month)]
                if months:
                    slots.append((year, kind, months))
    return slots


def seed_meetings(dsn: str, target: int, seed: int = 2026) -> dict:
    """About `target` meetings of the province's branches over the last three years (see the
    module's note), written as the org service's commands would have, with their counts."""
    rng, now = random.Random(seed), datetime.now().replace(second=0, microsecond=0)
    today = now.date()
    years = [today.year - 2, today.year - 1, today.year]
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        types = sorted(set().union(*(rules_for(y).applies_to for y in years)))
        branches = conn.execute("SELECT id, path FROM org.orgs WHERE type = ANY(%s) AND status = 'active' ORDER BY id",
                                (types,)).fetchall()
        members: dict[int, list] = {}
        for org_id, member_id, name, joined in conn.execute(
                "SELECT org_id, id, name, joined_on FROM member.members WHERE status = 'active' ORDER BY org_id, id"):
            members.setdefault(org_id, []).append((member_id, name, joined))
        slots = _slots(years, today)
        keep = min(1.0, target / max(1, len(branches) * len(slots)))
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM org.meetings").fetchone()[0]
        # What the later passes need of each meeting, compactly: its organization, day, status.
        org_of, day_of, locked_of, kind_of = array("q"), array("l"), array("b"), array("b")
        held_counts: Counter = Counter()
        attended_counts: Counter = Counter()  # members present, and listed, per held count's key
        listed_counts: Counter = Counter()
        next_id = first_id
        with conn.cursor().copy(
                "COPY org.meetings (id, org_id, kind, held_at, year, place, host, recorder, topic, speaker, "
                "lecture_title, content, decisions, status, host_signed_by, host_signed_at, recorder_signed_by, "
                "recorder_signed_at, version, created_by, created_by_name, created_at, updated_at) FROM STDIN") as copy:
            for org_id, _path in branches:
                people = members.get(org_id) or [(0, "书记", None)]
                host, recorder = people[0][1], people[-1][1]
                for year, kind, months in slots:
                    if rng.random() >= keep:
                        continue
                    month = rng.choice(months)
                    last_day = 28 if (year, month) != (today.year, today.month) else max(1, today.day - 1)
                    held = datetime(year, month, rng.randint(1, min(28, last_day)), rng.choice((9, 14, 19)), 0)
                    if held >= now:
                        continue
                    locked = held < now - timedelta(days=30) or rng.random() < 0.3
                    written = held + timedelta(days=1)
                    lecture = kind == LECTURE
                    copy.write_row((
                        next_id, org_id, kind, held, year, rng.choice(PLACES), host, recorder,
                        f"{MEETING_KINDS.name(kind)}：{rng.choice(TOPICS)}", host if lecture else None,
                        rng.choice(TOPICS) if lecture else None, "一、传达学习\n二、讨论交流\n三、部署工作", None,
                        "locked" if locked else "draft", host if locked else None, written if locked else None,
                        recorder if locked else None, written if locked else None, 3 if locked else 1, "bench",
                        "基准测试", written, written))
                    org_of.append(org_id)
                    day_of.append(held.toordinal())
                    locked_of.append(1 if locked else 0)
                    held_counts[(org_id, year, kind)] += 1
                    kind_of.append(int(kind))
                    next_id += 1
        count = next_id - first_id
        progress(f"meetings written: {count}")
        people_rows = 0
        with conn.cursor().copy("COPY org.meeting_people (meeting_id, member_id, attended, name, reason) "
                                "FROM STDIN") as copy:
            for i in range(count):
                day = date.fromordinal(day_of[i])
                for member_id, name, joined in members.get(org_of[i], ()):
                    if joined is None or joined > day:
                        continue
                    present = rng.random() < 0.9
                    copy.write_row((first_id + i, member_id, present, name, None if present else rng.choice(REASONS)))
                    people_rows += 1
                    key = (org_of[i], day.year, f"{kind_of[i]:02d}")
                    attended_counts[key] += present
                    listed_counts[key] += 1
        progress(f"meeting people written: {people_rows}")
        with conn.cursor().copy("COPY org.meeting_history (meeting_id, action, changes, version, actor, actor_name, "
                                "at) FROM STDIN") as copy:
            for i in range(count):
                at = datetime.fromordinal(day_of[i]) + timedelta(days=1, hours=10)
                copy.write_row((first_id + i, "recorded", "[]", 1, "bench", "基准测试", at))
                if locked_of[i]:
                    for version, (field, label) in enumerate((("host", "主持人"), ("recorder", "记录人")), start=2):
                        change = f'[{{"field": "{field}", "label": "{label}", "old": null, "new": "签认"}}]'
                        copy.write_row((first_id + i, "signed", change, version, "bench", "基准测试", at))
        conn.execute("CREATE TEMP TABLE seeded_counts (LIKE org.meeting_counts) ON COMMIT DROP")
        with conn.cursor().copy("COPY seeded_counts (org_id, year, kind, held, attended, listed) FROM STDIN") as copy:
            for key, n in held_counts.items():
                copy.write_row((*key, n, attended_counts[key], listed_counts[key]))
        conn.execute("INSERT INTO org.meeting_counts AS c SELECT * FROM seeded_counts "
                     "ON CONFLICT (org_id, year, kind) DO UPDATE SET held = c.held + excluded.held, "
                     "attended = c.attended + excluded.attended, listed = c.listed + excluded.listed")
        conn.execute("SELECT setval('org.meetings_id_seq', %s)", (next_id,))
    # The period counts and the roll-up: the service's own recount from the records.
    engine = create_engine("postgresql+psycopg://" + dsn.split("://", 1)[1])
    try:
        with engine.begin() as connection:
            orglife_counts.rebuild(connection)
    finally:
        engine.dispose()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("meetings", "meeting_people", "meeting_history", "meeting_counts", "meeting_period_counts",
                      "orglife_done"):
            conn.execute(f"ANALYZE org.{table}")
    return {"meetings": count, "people": people_rows, "branches": len(branches), "kept_share": round(keep, 3),
            "seconds": round(time.perf_counter() - started, 1)}


# --- uploads ---------------------------------------------------------------------------------------

def mp4(size: int) -> bytes:
    """A file the media service takes for an MP4 video (its content decides, not its name)."""
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return head + random.randbytes(size - len(head))


class Sampler:
    """The gateway's process and its children: CPU % (of one core) and RSS, every SAMPLE_EVERY s."""

    def __init__(self, pid: int):
        self.process, self.samples, self.done = psutil.Process(pid), [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> list:
        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _cpu(self) -> float:
        total = 0.0
        for process in self._processes():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def _rss(self) -> int:
        total = 0
        for process in self._processes():
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def _run(self):
        last_cpu, last_at = self._cpu(), time.perf_counter()
        while not self.done.wait(SAMPLE_EVERY):
            cpu, at = self._cpu(), time.perf_counter()
            self.samples.append((at, 100 * (cpu - last_cpu) / (at - last_at), self._rss()))
            last_cpu, last_at = cpu, at

    def __enter__(self):
        self.cpu_start = self._cpu()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.cpu_seconds = self._cpu() - self.cpu_start

    def between(self, start: float, end: float) -> dict:
        chosen = [s for s in self.samples if start <= s[0] <= end] or self.samples[-1:]
        cpu, rss = [s[1] for s in chosen], [s[2] / MB for s in chosen]
        return {"samples": len(chosen), "cpu_pct_mean": round(statistics.fmean(cpu), 1),
                "cpu_pct_max": round(max(cpu), 1), "rss_mib_min": round(min(rss), 1),
                "rss_mib_max": round(max(rss), 1)}


def upload_one(client: httpx.Client, meeting_id: int, data: bytes, number: int) -> dict:
    """One phone: begin, PUT each part straight to storage, complete. Seconds per step."""
    started = time.perf_counter()
    begun = ok(client.post(f"/meetings/{meeting_id}/attachments", json={
        "filename": f"会议视频{number}.mp4", "content_type": "video/mp4", "size": len(data)}), 201)
    signed = time.perf_counter()
    size, etags = begun["part_size"], []
    with httpx.Client(timeout=600) as storage:
        for part in begun["parts"]:
            piece = data[(part["number"] - 1) * size:part["number"] * size]
            response = storage.put(part["url"], content=piece)
            if not 200 <= response.status_code < 300:
                raise RuntimeError(f"PUT part {part['number']}: {response.status_code} {response.text[:200]}")
            etags.append({"number": part["number"], "etag": response.headers.get("etag", "")})
    sent = time.perf_counter()
    body = {"parts": etags} if all(p["etag"] for p in etags) else {}
    done = ok(client.post(f"/attachments/{begun['upload_id']}/complete", json=body, timeout=600))
    finished = time.perf_counter()
    return {"kind": done["kind"], "parts": len(begun["parts"]), "sign_s": signed - started, "put_s": sent - signed,
            "complete_s": finished - sent, "total_s": finished - started}


def uploads(system, client: httpx.Client, meeting_id: int, count: int, megabytes: float) -> dict:
    data = mp4(int(megabytes * MB))
    results, errors = [None] * count, []

    def phone(number: int):
        try:
            results[number] = upload_one(client, meeting_id, data, number)
        except Exception as exc:  # reported, not raised: the other phones go on
            errors.append(f"{number}: {exc}")
    with Sampler(system.processes["gateway"].pid) as sampler:
        time.sleep(2)
        begun = time.perf_counter()
        threads = [threading.Thread(target=phone, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ended = time.perf_counter()
        time.sleep(1)
    done = [r for r in results if r]
    wall = ended - begun
    return {"uploads": count, "file_mib": round(len(data) / MB, 1), "completed": len(done), "errors": errors[:5],
            "kinds": dict(Counter(r["kind"] for r in done)), "parts_each": done[0]["parts"] if done else None,
            "wall_s": round(wall, 2), "throughput_mib_s": round(len(done) * len(data) / MB / wall, 1),
            "per_upload": summary_ms([r["total_s"] for r in done]) if done else {},
            "complete": summary_ms([r["complete_s"] for r in done]) if done else {},
            "gateway": {"before": sampler.between(begun - 2, begun), "during": sampler.between(begun, ended),
                        "cpu_seconds": round(sampler.cpu_seconds, 2)}}


# --- the run ---------------------------------------------------------------------------------------

def main(members: int = 1_000_000, meetings: int | None = None, upload_mb: float = 20, count: int = 20) -> None:
    with running_system(PMIS_RPC_TIMEOUT="900") as (system, rpc, env):
        rpc.client.timeout = 900
        admin = admin_client(system, env)
        dsn = dsn_of(env)
        generated = province.generate_with_directories(dsn, members)
        progress(f"province generated: {generated}")
        measure(system, admin, dsn, members, generated, meetings, upload_mb, count)


def measure(system, admin, dsn: str, members: int, generated: dict, meetings: int | None = None,
            upload_mb: float = 20, count: int = 20, seeded: dict | None = None) -> None:
    """Seed MEETINGS into a generated province of a running system, measure, record."""
    meetings = meetings if meetings is not None else 2 * members
    seeded = seeded if seeded is not None else seed_meetings(dsn, meetings)
    progress(f"meetings seeded: {seeded}")
    last_year = str(date.today().year - 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        root = conn.execute("SELECT id FROM org.orgs WHERE parent_id IS NULL").fetchone()[0]
        branch = conn.execute("SELECT org_id FROM org.meeting_counts WHERE year = %s GROUP BY org_id "
                              "ORDER BY sum(held) DESC, org_id LIMIT 1", (int(last_year),)).fetchone()[0]
    clerk = clerk_client(system, admin, branch, "bench_orglife_clerk")
    listed = ok(clerk.get(f"/orgs/{branch}/meetings", params={"year": last_year}))["total"]
    results = {"generated": generated, "seeded": seeded, "reads": {
        f"branch year list ({listed} records)": timed(clerk, f"/orgs/{branch}/meetings", {"year": last_year}),
        "province summary": timed(admin, f"/orgs/{root}/org-life/summary", {"year": last_year}),
        "province due (home page)": timed(admin, f"/orgs/{root}/org-life/due")}}
    progress("reads measured")
    held = (datetime.now() - timedelta(days=1)).replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")
    roll = ok(clerk.get(f"/orgs/{branch}/meetings", params={"year": last_year, "size": 1}))
    attendee = ok(clerk.get(f"/meetings/{roll['items'][0]['id']}"))["attendees"][:1]
    meeting_id = ok(clerk.post(f"/orgs/{branch}/meetings", json={
        "kind": "支部党员大会", "held_at": held, "place": "党员活动室", "host": "书记", "recorder": "委员",
        "topic": "基准测试：上传会议视频", "attendees": [a["member_id"] for a in attendee]}), 201)["id"]
    results["uploads"] = uploads(system, clerk, meeting_id, count, upload_mb)
    progress("uploads measured")
    clerk.close()
    record(f"orglife_scale_{members}", {"method": __doc__.strip().split("\n\n")[1].replace("\n", " "),
                                        **results})


if __name__ == "__main__":  # MEMBERS [MEETINGS [UPLOAD_MB [UPLOADS]]] (smaller: a smoke run)
    args = sys.argv[1:]
    sys.exit(exit_code(lambda: main(*(float(a) if i == 2 else int(a) for i, a in enumerate(args)))))
