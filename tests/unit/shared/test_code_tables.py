"""代码表: the registry of fixed tables (national standards and PMIS's own codes) and of the
deployment's lists — every table named, versioned, read-only where it must be."""
from services.shared import code_tables as registry
from services.shared import codes


def test_every_fixed_table_has_a_name_a_standard_a_version_and_its_entries():
    for key, table in registry.FIXED.items():
        summary = registry.fixed_summary(table)
        assert summary["key"] == key and summary["name"] and summary["standard"] and summary["version"]
        assert summary["editable"] is False and summary["count"] == len(registry.fixed_entries(table)) > 0
    assert set(registry.FIXED).isdisjoint(registry.DEPLOYMENT)


def test_the_national_tables_follow_their_standards():
    ethnicity = registry.fixed_view(registry.FIXED["ethnicity"])
    assert ethnicity["kind"] == registry.NATIONAL and "GB/T 3304" in ethnicity["standard"]
    assert ethnicity["entries"][0] == {"code": "01", "name": "汉族", "parent": None, "retired": False}
    assert len(ethnicity["entries"]) == 58  # 56 peoples, 其他, 外国血统中国籍人士
    assert "GB/T 4658" in registry.FIXED["education"].standard
    assert [e["name"] for e in registry.fixed_entries(registry.FIXED["member_category"])] == ["正式党员", "预备党员"]


def test_a_hierarchical_table_names_each_codes_parent():
    entries = {e["code"]: e for e in registry.fixed_entries(registry.FIXED["leave_kind"])}
    assert entries["2"] == {"code": "2", "name": "出党类", "parent": None, "retired": False}
    assert entries["21"]["parent"] == "2" and entries["10"]["parent"] == "1"
    # Every code the member service stores is in the tree, under the group the annual report uses.
    for code, group in codes.LEAVE_KIND_GROUPS.items():
        assert entries[entries[code]["parent"]]["name"] == f"{group}类"


def test_a_fixed_table_refuses_edits_in_chinese():
    message = registry.read_only_message("ethnicity")
    assert "民族" in message and "国家标准" in message and "只读" in message
    assert not registry.known("nope") and not registry.known(None) and registry.known("transfer_reasons")
