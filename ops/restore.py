"""`python -m ops.restore SRC` (`make restore SRC=…`): a backup written by ops.backup into the
EMPTY database of PMIS_DATABASE_URL (created if missing) and the EMPTY bucket of PMIS_S3_BUCKET.

1. Before: the manifest is read and every file checked against it (the dump's and each object's
   size and sha256); the database and the bucket must be empty. Otherwise nothing is touched.
2. pg_restore in one transaction, then every object uploaded.
3. After: each schema's migration heads and every table's row count, and every object read back
   from the bucket (size and sha256), must equal the manifest.
4. Outbox events sent in the last --replay-minutes (default 60) before the snapshot are marked
   unsent: the copy's relays publish them again (its broker starts empty), consumers drop those
   their inbox already holds.

Exit 0 only when everything matches; 2 on a bad backup or a target that is not empty (nothing
written); 3 when the restored copy differs from the manifest (do not use it).
"""
import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import OperationalError

from services.shared.migrate import ensure_database

from . import database, manifest, objects


class Refused(Exception):
    """The backup or the target is not fit: nothing was written."""


def check_backup(src: Path) -> dict:
    data = manifest.read(src)
    problems = manifest.file_problems(src, data)
    if problems:
        raise Refused("备份文件与清单不符（备份已损坏或被改动）：\n  " + "\n  ".join(problems[:20]))
    return data


def check_empty(eng, store) -> None:
    found = database.leftovers(eng)
    if found:
        raise Refused(f"目标数据库不为空（已有 {', '.join(found)} 等）：只能恢复到空数据库")
    if objects.bucket_has_objects(store):
        raise Refused(f"目标存储桶 {store.bucket} 不为空：只能恢复到空存储桶")


def verify(eng, store, data: dict) -> list[str]:
    with database.snapshot(eng) as (conn, _, _at):
        problems = manifest.table_problems(data["database"]["schemas"], database.contents(conn))
    items = data["storage"]["objects"]
    read = objects.each(lambda item: objects.fingerprint(store, item["key"]), items)
    found = {item["key"]: fingerprint for item, fingerprint in zip(items, read)}
    return problems + manifest.object_problems(items, found)


def restore(src: Path, replay_minutes: int = 60, log=print) -> list[str]:
    """The differences after restoring (none: a faithful copy). Raises Refused before writing."""
    data = check_backup(src)
    log(f"备份已核对：快照时间 {data['snapshot_at']}，{len(data['storage']['objects'])} 个对象")
    ensure_database()
    eng = database.engine()
    try:
        store = objects.storage()
        check_empty(eng, store)
        log("正在恢复数据库……")
        database.restore(src / manifest.DUMP)
        store.ensure_bucket()
        log(f"正在恢复存储桶 {store.bucket} 的对象……")
        objects.each(lambda item: objects.copy_in(store, item, src), data["storage"]["objects"])
        problems = verify(eng, store, data)
        if not problems and replay_minutes > 0:
            since = datetime.fromisoformat(data["snapshot_at"]) - timedelta(minutes=replay_minutes)
            log(f"将快照前 {replay_minutes} 分钟内已发送的 {database.replay_recent(eng, since)} 个事件标记为待重发")
        return problems
    finally:
        eng.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.restore",
                                     description="把 ops.backup 的备份恢复到空数据库和空存储桶")
    parser.add_argument("src", type=Path, help="备份目录")
    parser.add_argument("--replay-minutes", type=int, default=60,
                        help="重发快照前多少分钟内已发送的事件（0：不重发）")
    args = parser.parse_args(argv)
    try:
        problems = restore(args.src, args.replay_minutes)
    except (Refused, ValueError) as exc:
        print(f"拒绝恢复：{exc}", file=sys.stderr)
        return 2
    except (database.ToolFailed, OperationalError, *objects.UNAVAILABLE) as exc:
        print(f"恢复失败：{exc}", file=sys.stderr)
        return 3
    if problems:
        print("恢复后的数据与清单不符，请勿使用：\n  " + "\n  ".join(problems[:50]), file=sys.stderr)
        return 3
    print(f"恢复完成，与清单一致：{args.src}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
