"""`python -m ops.backup DEST` (`make backup DEST=…`): a consistent backup of PMIS into the new or
empty directory DEST, while the system runs.

1. One exported database snapshot: the row count of every table and each schema's migration
   heads are read in it, the media service's kept object keys too, and pg_dump dumps it
   (database.dump) — one instant for all six services.
2. Then the objects those keys name are copied (objects/<sha256>). Photos and attachments are
   never rewritten or deleted once kept, so copying after the snapshot gives the snapshot's
   files; objects kept after it are not in the backup, as their records are not.
3. manifest.json last (time, version, heads, counts, every object's key, size and sha256, the
   dump's sha256). Exit 0 when complete; 1 when a kept object was missing from the store (the
   backup is written, the manifest lists what was missing); 2 when nothing usable was written.
"""
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.exc import OperationalError

from services.media.store import kept_object_keys
from services.shared.service_list import SERVICES

from . import database, manifest, objects

ROOT = Path(__file__).resolve().parent.parent


def app_version() -> dict:
    """The code that wrote the backup: the package version and, in a git checkout, the commit."""
    version = next((line.split('"')[1] for line in (ROOT / "pyproject.toml").read_text().splitlines()
                    if line.startswith("version")), None)
    result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    return {"version": version, "commit": result.stdout.strip() if result.returncode == 0 else None}


def _destination(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ValueError(f"备份目录 {dest} 已存在且不为空：请指定新目录（不会覆盖已有备份）")
    dest.mkdir(parents=True, exist_ok=True)


def backup(dest: Path, log=print) -> dict:
    _destination(dest)
    started = time.monotonic()
    store = objects.storage()
    eng = database.engine()
    dump_path = dest / manifest.DUMP
    try:
        with database.snapshot(eng) as (conn, snapshot_id, at):
            schemas = database.contents(conn)
            absent = [service for service in SERVICES if service not in schemas]
            if absent:
                raise ValueError(f"数据库中没有模式 {', '.join(absent)}：不是 PMIS 的数据库，或尚未迁移")
            keys = sorted(conn.execute(kept_object_keys()).scalars())
            log(f"数据库快照 {at.isoformat()}：{len(schemas)} 个模式，"
                f"{sum(len(s['tables']) for s in schemas.values())} 张表；正在转储……")
            pg_dump = database.dump(dump_path, snapshot_id)
    finally:
        eng.dispose()
    log(f"正在复制对象存储 {store.bucket} 中的 {len(keys)} 个对象……")
    results = objects.each(lambda key: objects.copy_out(store, key, dest), keys)
    copied = [item for item in results if item]
    missing = [key for key, item in zip(keys, results) if item is None]
    result = {
        "format": manifest.FORMAT,
        "snapshot_at": at.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
        "app": app_version(),
        "database": {"file": manifest.DUMP, "size": dump_path.stat().st_size,
                     "sha256": manifest.sha256_file(dump_path), "pg_dump": pg_dump, "schemas": schemas},
        "storage": {"bucket": store.bucket, "objects": copied, "total_bytes": sum(i["size"] for i in copied),
                    "missing": missing},
    }
    manifest.write(dest, result)
    log(f"备份完成：{dest}（{time.monotonic() - started:.1f} 秒，数据库 {result['database']['size']} 字节，"
        f"{len(copied)} 个对象共 {result['storage']['total_bytes']} 字节）")
    return result


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("用法：python -m ops.backup 备份目录", file=sys.stderr)
        return 2
    try:
        result = backup(Path(args[0]))
    except (ValueError, database.ToolFailed, OperationalError) as exc:
        print(f"备份失败：{exc}", file=sys.stderr)
        return 2
    except objects.UNAVAILABLE as exc:
        print(f"备份失败：对象存储不可用或拒绝访问（{exc}）", file=sys.stderr)
        return 2
    if result["storage"]["missing"]:
        print(f"警告：数据库引用的 {len(result['storage']['missing'])} 个对象在存储中不存在，未能备份"
              f"（见 manifest.json 的 storage.missing）：{result['storage']['missing'][:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
