"""A member's history lines: the fields a change touched, labelled, and read with code names."""
from datetime import date

from services.member.domain.history import basic_changes, readable, row_changes
from services.member.domain.info_sets import INFO_SETS


def test_basic_changes_list_each_changed_field_with_its_label_in_card_order():
    before = {"name": "张三", "ethnicity": "01", "category": "02", "joined_on": date(2020, 1, 1), "phone": None}
    changes = {"category": "01", "name_initials": "ZS", "phone": "13800000000", "name": "张三"}
    assert basic_changes(before, changes) == [
        {"field": "category", "label": "党员类别", "old": "02", "new": "01"},
        {"field": "phone", "label": "联系电话", "old": None, "new": "13800000000"},
    ]


def test_row_changes_of_added_updated_and_removed_rows():
    spec = INFO_SETS["work_posts"]
    added = row_changes(spec, None, {"occupation": "3", "unit": "某所", "started_on": date(2015, 3, 1)})
    assert [(c["label"], c["old"], c["new"]) for c in added] == [
        ("工作岗位", None, "3"), ("工作单位", None, "某所"), ("开始日期", None, "2015-03-01")]
    updated = row_changes(spec, {"occupation": "3", "unit": "某所"}, {"occupation": "4", "unit": "某所"})
    assert [(c["field"], c["old"], c["new"]) for c in updated] == [("occupation", "3", "4")]
    removed = row_changes(spec, {"occupation": "4", "unit": None}, None)
    assert [(c["field"], c["old"], c["new"]) for c in removed] == [("occupation", "4", None)]


def test_readable_names_codes_of_basic_fields_and_of_info_sets():
    basic = readable(None, [{"field": "category", "label": "党员类别", "old": "02", "new": "01"},
                            {"field": "ethnicity", "label": "民族", "old": "01", "new": None},
                            {"field": "phone", "label": "联系电话", "old": None, "new": "138"}])
    assert [(c["old_name"], c["new_name"]) for c in basic] == [("预备党员", "正式党员"), ("汉族", None), (None, "138")]
    row = readable("work_posts", [{"field": "occupation", "label": "工作岗位", "old": "3", "new": "4"}])
    occupation = INFO_SETS["work_posts"].field("occupation").table
    assert (row[0]["old_name"], row[0]["new_name"]) == (occupation.name("3"), occupation.name("4"))
    assert row[0]["old_name"] != "3"
