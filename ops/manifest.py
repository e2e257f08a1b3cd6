"""The backup's manifest (manifest.json beside database.dump and objects/): what a backup holds
and how to check it. Pure functions, no database or store."""
import hashlib
import json
import os
from pathlib import Path

FORMAT = 1
NAME = "manifest.json"
DUMP = "database.dump"
OBJECTS = "objects"
CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def object_path(backup: Path, sha256: str) -> Path:
    """Objects are stored by content (a key may hold any character; equal files are kept once)."""
    return backup / OBJECTS / sha256[:2] / sha256


def write(backup: Path, manifest: dict) -> None:
    """Written last and renamed into place: a backup without a manifest is unfinished."""
    partial = backup / f".{NAME}.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    os.replace(partial, backup / NAME)


def read(backup: Path) -> dict:
    path = backup / NAME
    if not path.is_file():
        raise ValueError(f"{backup} 中没有 {NAME}：不是完整的备份（备份未完成或目录有误）")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise ValueError(f"{path} 不是有效的 JSON：{exc}") from None
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path} 的格式版本 {manifest.get('format')!r} 不受支持（应为 {FORMAT}）")
    return manifest


def file_problems(backup: Path, manifest: dict) -> list[str]:
    """What in the backup's files differs from the manifest (the dump and every object)."""
    problems = []
    dump = manifest["database"]
    path = backup / DUMP
    if not path.is_file():
        problems.append(f"缺少数据库转储 {DUMP}")
    elif path.stat().st_size != dump["size"] or sha256_file(path) != dump["sha256"]:
        problems.append(f"数据库转储 {DUMP} 的校验和与清单不符")
    for item in manifest["storage"]["objects"]:
        path = object_path(backup, item["sha256"])
        if not path.is_file():
            problems.append(f"缺少对象 {item['key']}")
        elif path.stat().st_size != item["size"] or sha256_file(path) != item["sha256"]:
            problems.append(f"对象 {item['key']} 的校验和与清单不符")
    return problems


def table_problems(expected: dict, actual: dict) -> list[str]:
    """Schemas, migration heads and row counts ({schema: {"heads": [...], "tables": {name: rows}}})
    that differ between the manifest and a database."""
    problems = []
    for schema in sorted(set(expected) | set(actual)):
        want, got = expected.get(schema), actual.get(schema)
        if want is None or got is None:
            problems.append(f"模式 {schema}：{'多出' if want is None else '缺少'}")
            continue
        if want["heads"] != got["heads"]:
            problems.append(f"模式 {schema} 的迁移版本：清单 {want['heads']}，实际 {got['heads']}")
        for table in sorted(set(want["tables"]) | set(got["tables"])):
            rows, found = want["tables"].get(table), got["tables"].get(table)
            if rows != found:
                problems.append(f"表 {schema}.{table} 的行数：清单 {rows}，实际 {found}")
    return problems


def object_problems(expected: list[dict], actual: dict[str, tuple[int, str] | None]) -> list[str]:
    """Objects whose (size, sha256) in a bucket ({key: (size, sha256) or None}) differ from the manifest."""
    problems = []
    for item in expected:
        found = actual.get(item["key"])
        if found is None:
            problems.append(f"存储桶中缺少对象 {item['key']}")
        elif found != (item["size"], item["sha256"]):
            problems.append(f"存储桶中的对象 {item['key']} 与清单不符")
    return problems
