"""The backup manifest's checks (ops/manifest.py): a file that differs from the manifest by one byte,
a missing file, a table with another row count or migration head, an object the bucket lacks or holds
changed — each is named; a faithful backup or copy has none."""
import hashlib

import pytest

from ops import manifest


def make_backup(tmp_path, objects: dict[str, bytes]) -> dict:
    (tmp_path / manifest.DUMP).write_bytes(b"dump")
    items = []
    for key, data in objects.items():
        sha = hashlib.sha256(data).hexdigest()
        path = manifest.object_path(tmp_path, sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        items.append({"key": key, "size": len(data), "sha256": sha})
    data = {"format": manifest.FORMAT, "storage": {"objects": items},
            "database": {"size": 4, "sha256": hashlib.sha256(b"dump").hexdigest(), "schemas": {}}}
    manifest.write(tmp_path, data)
    return data


def test_a_faithful_backup_has_no_problems_and_reads_back(tmp_path):
    written = make_backup(tmp_path, {"photos/a.jpg": b"a", "photos/b.jpg": b"b", "photos/a-copy.jpg": b"a"})
    assert manifest.read(tmp_path) == written
    assert manifest.file_problems(tmp_path, written) == []
    assert not list(tmp_path.glob(".*partial"))


def test_a_changed_byte_or_a_missing_file_is_named(tmp_path):
    data = make_backup(tmp_path, {"photos/a.jpg": b"aaaa", "photos/b.jpg": b"bbbb"})
    first, second = data["storage"]["objects"]
    manifest.object_path(tmp_path, first["sha256"]).write_bytes(b"aaab")  # same size, other bytes
    manifest.object_path(tmp_path, second["sha256"]).unlink()
    (tmp_path / manifest.DUMP).write_bytes(b"dumq")
    assert manifest.file_problems(tmp_path, data) == [
        "数据库转储 database.dump 的校验和与清单不符", "对象 photos/a.jpg 的校验和与清单不符", "缺少对象 photos/b.jpg"]


def test_a_directory_without_a_manifest_or_of_another_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="不是完整的备份"):
        manifest.read(tmp_path)
    (tmp_path / manifest.NAME).write_text('{"format": 99}')
    with pytest.raises(ValueError, match="不受支持"):
        manifest.read(tmp_path)


def test_tables_heads_and_schemas_are_compared():
    expected = {"org": {"heads": ["org_0012"], "tables": {"orgs": 5, "outbox": 9}},
                "media": {"heads": ["media_0004"], "tables": {"photos": 1}}}
    assert manifest.table_problems(expected, expected) == []
    actual = {"org": {"heads": ["org_0011"], "tables": {"orgs": 4, "outbox": 9, "extra": 0}},
              "stats": {"heads": [], "tables": {}}}
    assert manifest.table_problems(expected, actual) == [
        "模式 media：缺少",
        "模式 org 的迁移版本：清单 ['org_0012']，实际 ['org_0011']",
        "表 org.extra 的行数：清单 None，实际 0",
        "表 org.orgs 的行数：清单 5，实际 4",
        "模式 stats：多出"]


def test_objects_are_compared_by_size_and_checksum():
    expected = [{"key": "a", "size": 1, "sha256": "x"}, {"key": "b", "size": 2, "sha256": "y"},
                {"key": "c", "size": 3, "sha256": "z"}]
    found = {"a": (1, "x"), "b": (2, "other"), "c": None}
    assert manifest.object_problems(expected, found) == ["存储桶中的对象 b 与清单不符", "存储桶中缺少对象 c"]
