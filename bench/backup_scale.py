"""Backup and restore of a synthetic province: `python -m bench.backup_scale MEMBERS [PHOTOS]`.

The whole system runs (private database, vhost and local S3 store); the province is generated
(bench/province.py) with PHOTOS member photos (default MEMBERS // 10): 40 KB and 4 KB random
objects written to the bucket and their `media.photos` rows by COPY. Then `python -m ops.backup`
while the system runs, and `python -m ops.restore` into a new database and bucket on the same
servers (checked before and after, exit 0 required): wall times, the dump's and the objects'
sizes. The restored database is dropped afterwards.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from io import BytesIO
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from . import province
from .harness import exit_code, record, running_system

ROOT = Path(__file__).resolve().parent.parent
PHOTO, THUMB = 40_000, 4_000


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def add_photos(system, dsn: str, count: int) -> int:
    """`count` members get a photo and a thumbnail (random bytes: only sizes matter here); bytes written."""
    from minio import Minio

    env = system.env
    client = Minio(env["PMIS_S3_ENDPOINT"], access_key=env["PMIS_S3_ACCESS_KEY"],
                   secret_key=env["PMIS_S3_SECRET_KEY"], secure=False, region="us-east-1")
    bucket = env["PMIS_S3_BUCKET"]
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    written = 0
    with psycopg.connect(dsn) as conn:
        members = conn.execute("SELECT id, org_path FROM member.members ORDER BY id LIMIT %s", (count,)).fetchall()
        with conn.cursor().copy("COPY media.photos (id, member_id, org_path, key, thumb_key, width, height, size) "
                                "FROM STDIN") as copy:
            for member_id, org_path in members:
                photo_id = uuid.uuid4()
                key, thumb = f"photos/{photo_id}.jpg", f"photos/{photo_id}-thumb.jpg"
                for name, size in ((key, PHOTO), (thumb, THUMB)):
                    client.put_object(bucket, name, BytesIO(os.urandom(size)), size, content_type="image/jpeg")
                    written += size
                copy.write_row((photo_id, member_id, org_path, key, thumb, 600, 800, PHOTO))
    return written


def timed(module: str, *args, env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{module} exit {done.returncode}: {done.stderr[-2000:]}")
    return round(time.perf_counter() - started, 1)


def main() -> int:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    photos = int(sys.argv[2]) if len(sys.argv) > 2 else members // 10
    with running_system() as (system, _rpc, env):
        dsn = env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
        generated = province.generate(dsn, members)
        generated["org_directories_s"] = province.fill_org_directories(dsn)
        progress(f"province generated: {generated}")
        generated["photo_bytes"] = add_photos(system, dsn, photos)
        progress(f"{photos} photos written")
        url = make_url(env["PMIS_DATABASE_URL"])
        target_db = f"{url.database}_restored"
        target = {**system.env, "PMIS_DATABASE_URL": url.set(database=target_db).render_as_string(hide_password=False),
                  "PMIS_S3_BUCKET": f"{env['PMIS_S3_BUCKET']}-restored"}
        admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with tempfile.TemporaryDirectory(prefix="pmis-backup-bench-") as work:
            dest = Path(work) / "backup"
            try:
                backup_s = timed("ops.backup", dest, env=system.env)
                manifest = json.loads((dest / "manifest.json").read_text())
                progress(f"backup in {backup_s} s")
                restore_s = timed("ops.restore", dest, env=target)
                progress(f"restore (with its checks) in {restore_s} s")
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target_db)))
    record("backup_scale", {
        "members": members, "photos": photos, "generated": generated,
        "backup_s": backup_s, "restore_s": restore_s,
        "dump_bytes": manifest["database"]["size"], "objects": len(manifest["storage"]["objects"]),
        "object_bytes": manifest["storage"]["total_bytes"],
        "rows": sum(n for schema in manifest["database"]["schemas"].values() for n in schema["tables"].values()),
    })
    return 0


if __name__ == "__main__":
    sys.exit(exit_code(main))
