"""A synthetic province: province → cities → counties → committees → branches, and members
with realistic names, ages, sexes, ethnicities, categories, education and occupation; about
1 % already in history (deaths and 出党), so every table of the annual report has figures.

Written straight into each service's tables with COPY, as restoring a backup would: the org
tree, the members (with pinyin initials), and the stats service's projections and counters
computed from the same data — so the tree's counts are real and a reconcile finds nothing.
`python -m bench.province MEMBERS` fills a database that `make run` has migrated.
"""
import json
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta

import psycopg

from services.member.domain.id_number import check_char
from services.member.domain.names import initials
from services.shared.config import plain_dsn
from services.shared.paths import path_ids
from services.stats.domain.counters import member_entries, org_entries

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌宇浩凯健俊帆鹏"
    "辉玲丹萍鑫婷雪梅琳晨欣怡子涵梓轩思雨佳一诺"
)
CITY_COUNT, COUNTIES, COMMITTEES = 16, 10, 12
# Rough shares of the bulletins: education (研究生 … 初中及以下) and occupation (工人 … 其他; 离退休
# follows from age).
EDUCATIONS, EDUCATION_WEIGHTS = ("10", "20", "30", "40", "60", "70"), (6, 28, 25, 8, 13, 20)
LEAVE_KINDS = ("21", "22", "23", "24", "30")  # besides death (10)
OCCUPATIONS, OCCUPATION_WEIGHTS = ("1", "2", "3", "4", "5", "6", "7"), (7, 28, 16, 12, 9, 3, 8)


def shape(members: int) -> dict:
    branches = max(1, members // 35)  # ~35 members a branch
    per_committee = max(1, branches // (CITY_COUNT * COUNTIES * COMMITTEES))
    return {"per_committee": per_committee}


class Ids:
    def __init__(self, conn):
        self.next = conn.execute("SELECT nextval('org.orgs_id_seq')").fetchone()[0]

    def take(self) -> int:
        self.next += 1
        return self.next


def name_of(rng: random.Random, cache: dict) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if name not in cache:
        cache[name] = initials(name)
    return name, cache[name]


def generate(dsn: str, members: int, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        root = conn.execute("SELECT id, path FROM org.orgs WHERE parent_id IS NULL").fetchone()
        ids = Ids(conn)
        orgs, branches = [], []

        def add(parent, name, code, type_):
            org_id = ids.take()
            path = f"{parent[1]}{org_id}/"
            orgs.append((org_id, parent[0], path, code, name, type_))
            return org_id, path

        per_committee = shape(members)["per_committee"]
        for c in range(CITY_COUNT):
            city = add(root, f"中共第{c + 1}市委员会", f"C{c:02d}", "11")
            for k in range(COUNTIES):
                county = add(city, f"中共第{c + 1}市第{k + 1}县委员会", f"C{c:02d}K{k:02d}", "11")
                for m in range(COMMITTEES):
                    committee = add(county, f"第{c + 1}-{k + 1}-{m + 1}基层党委", f"C{c:02d}K{k:02d}M{m:02d}", "11")
                    for b in range(per_committee):
                        branches.append(add(committee, f"第{c + 1}-{k + 1}-{m + 1}-{b + 1}党支部",
                                            f"C{c:02d}K{k:02d}M{m:02d}B{b:03d}", "31"))
        conn.execute("SELECT setval('org.orgs_id_seq', %s)", (ids.next,))
        with conn.cursor().copy("COPY org.orgs (id, parent_id, path, code, name, type) FROM STDIN") as copy:
            for row in orgs:
                copy.write_row(row)
        with conn.cursor().copy("COPY stats.orgs (id, parent_id, path, type, version) FROM STDIN") as copy:
            for org_id, parent_id, path, _, _, type_ in orgs:
                copy.write_row((org_id, parent_id, path, type_, 1))

        # Counters from the stats service's own pure contributions, summed per organization path
        # first (members of a branch share theirs), then counted at every ancestor.
        by_path: Counter = Counter()
        for org_id, parent_id, path, _, _, type_ in orgs:
            for key, n in org_entries({"id": org_id, "path": path, "type": type_, "status": "active"}).items():
                by_path[(path, *key)] += n
        facts: list = []
        cache: dict = {}
        today = date.today()
        first_id = conn.execute("SELECT coalesce(max(id), 0) FROM member.members").fetchone()[0] + 1
        with conn.cursor().copy(
                "COPY member.members (id, org_id, org_path, name, name_initials, id_number, sex, birth_date, "
                "ethnicity, category, joined_on, full_on, education, occupation, status, leave_kind, left_on) "
                "FROM STDIN") as copy:
            for i in range(members):
                org_id, path = branches[i % len(branches)]
                birth = date(1935, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
                first17 = f"{110100 + (i // 1000) % 800000:06d}{birth:%Y%m%d}{i % 1000:03d}"
                sex = "1" if (i % 1000) % 2 else "2"
                name, name_initials = name_of(rng, cache)
                joined = birth + timedelta(days=365 * 18 + rng.randrange(0, 365 * 30))
                joined = min(joined, today - timedelta(days=1))
                probationary = joined > today - timedelta(days=365) and rng.random() < 0.7
                category = "02" if probationary else "01"
                full_on = None if probationary else min(joined + timedelta(days=365), today)
                ethnicity = "01" if rng.random() < 0.92 else f"{rng.randrange(2, 57):02d}"
                education = rng.choices(EDUCATIONS, EDUCATION_WEIGHTS)[0]
                occupation = "8" if birth.year < today.year - 62 else rng.choices(OCCUPATIONS, OCCUPATION_WEIGHTS)[0]
                # About 1 % are in history (mostly deaths), so the report's decreases are not empty.
                left = rng.random() < 0.01 and joined < today - timedelta(days=30)
                leave_kind = (rng.choice(LEAVE_KINDS) if rng.random() < 0.2 else "10") if left else None
                left_on = joined + timedelta(days=rng.randrange(1, (today - joined).days)) if left else None
                status = "left" if left else "active"
                copy.write_row((first_id + i, org_id, path, name, name_initials, first17 + check_char(first17), sex,
                                birth, ethnicity, category, joined, full_on, education, occupation, status,
                                leave_kind, left_on))
                facts.append((first_id + i, path, {
                    "org_id": org_id, "org_path": path, "status": status, "sex": sex, "category": category,
                    "ethnicity": ethnicity, "birth_date": birth.isoformat(), "joined_on": joined.isoformat(),
                    "leave_kind": leave_kind, "left_on": left_on.isoformat() if left_on else None,
                    "education": education, "occupation": occupation,
                    "full_on": full_on.isoformat() if full_on else None, "evaluations": {}}))
                for key, n in member_entries(facts[-1][2]).items():
                    by_path[(path, *key)] += n
        conn.execute("SELECT setval('member.members_id_seq', %s)", (first_id + members,))
        with conn.cursor().copy("COPY stats.member_facts (member_id, version, org_path, facts) FROM STDIN") as copy:
            for member_id, path, member in facts:
                copy.write_row((member_id, 1, path, json.dumps(member, ensure_ascii=False)))
        counts: Counter = Counter()
        for (path, *key), n in by_path.items():
            for org_id in path_ids(path):
                counts[(org_id, *key)] += n
        # Added to what the running system already counts (the root organization's own event).
        conn.execute("CREATE TEMP TABLE seeded (LIKE stats.counters) ON COMMIT DROP")
        with conn.cursor().copy("COPY seeded (org_id, dimension, value, year, n) FROM STDIN") as copy:
            for row, n in counts.items():
                if n:
                    copy.write_row((*row, n))
        conn.execute("INSERT INTO stats.counters AS c SELECT * FROM seeded "
                     "ON CONFLICT (org_id, dimension, value, year) DO UPDATE SET n = c.n + excluded.n")
    with psycopg.connect(dsn, autocommit=True) as conn:
        # VACUUM as well: autovacuum would have (it is off on the CI machine), and until the
        # visibility map is set the counters' covering index cannot answer a report alone.
        for table in ("org.orgs", "member.members", "stats.orgs", "stats.member_facts", "stats.counters"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    return {"members": members, "orgs": len(orgs), "branches": len(branches),
            "seconds": round(time.perf_counter() - started, 1)}


# The services that keep a projection of the org tree (services/shared/org_directory.py).
DIRECTORIES = ("member", "transfer", "media", "dues")


def fill_org_directories(dsn: str) -> float:
    """Copy the generated tree into each service's org directory, as its org events would have (a
    restore brings the projections with the tree): without it a service asks the org service for
    each organization it meets, and the transfer service's work lists find no subtree. Seconds."""
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        for schema in DIRECTORIES:
            conn.execute(f"INSERT INTO {schema}.org_directory (id, parent_id, path, code, name, type, status, version) "
                         "SELECT id, parent_id, path, code, name, type, status, version FROM org.orgs "
                         "ON CONFLICT (id) DO NOTHING")
    with psycopg.connect(dsn, autocommit=True) as conn:
        for schema in DIRECTORIES:
            conn.execute(f"ANALYZE {schema}.org_directory")
    return round(time.perf_counter() - started, 1)


def generate_with_directories(dsn: str, members: int) -> dict:
    """`generate`, then the org tree copied into every service's org directory (as a restore would):
    what each scale benchmark starts from; the copy's time is `org_directories_s`."""
    generated = generate(dsn, members)
    generated["org_directories_s"] = fill_org_directories(dsn)
    return generated


if __name__ == "__main__":
    print(generate(plain_dsn(), int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
