"""The 操作日志's diff helper (services/shared/audit.py): before/after values become the lines a
person reads — Chinese field names, code names instead of codes, ISO dates, only what changed."""
from datetime import date
from decimal import Decimal

from services.shared.audit import AUDIT_RECORDED, changes, payload, readable
from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES
from services.shared.context import Caller

LABELS = {"name": "姓名", "ethnicity": "民族", "category": "党员类别", "joined_on": "入党日期", "phone": "联系电话"}
TABLES = {"ethnicity": ETHNICITIES, "category": MEMBER_CATEGORIES}


def test_an_edit_reads_as_names_not_codes():
    before = {"name": "张三", "ethnicity": "01", "category": "02", "joined_on": date(2020, 7, 1), "version": 3}
    after = {"name": "张三丰", "ethnicity": "03", "category": "01", "joined_on": date(2020, 7, 1), "version": 4}
    assert changes(before, after, LABELS, TABLES) == [
        {"field": "姓名", "before": "张三", "after": "张三丰"},
        {"field": "民族", "before": "汉族", "after": ETHNICITIES.name("03")},
        {"field": "党员类别", "before": "预备党员", "after": "正式党员"},
    ]


def test_fields_outside_the_labels_and_unchanged_ones_are_left_out():
    assert changes({"version": 1, "name": "甲"}, {"version": 2, "name": "甲"}, LABELS) == []


def test_a_creation_and_a_removal_have_one_side_empty():
    assert changes(None, {"name": "李四", "phone": ""}, LABELS) == [{"field": "姓名", "before": None, "after": "李四"}]
    assert changes({"joined_on": date(2001, 1, 2)}, None, LABELS) == [
        {"field": "入党日期", "before": "2001-01-02", "after": None}]


def test_values_read_as_people_read_them():
    assert readable(True) == "是" and readable(False) == "否"
    assert readable(Decimal("12.50")) == "12.50"
    assert readable("", ETHNICITIES) is None
    assert readable("99x", ETHNICITIES) == "99x"  # an unknown code stays visible, not dropped
    assert readable("2", {"2": "季度"}) == "季度"


def test_the_payload_names_who_where_and_what():
    caller = Caller(user_id="7", scope_path="/1/", request_id="r1", username="clerk", ip="10.0.0.9")
    body = payload(caller, org_path="/1/5/", entity="member", entity_id=42, action="修改基本信息",
                   changes=[{"field": "姓名", "before": "甲", "after": "乙"}])
    assert AUDIT_RECORDED == "audit_recorded"
    assert body["account"] == {"user_id": "7", "username": "clerk"} and body["ip"] == "10.0.0.9"
    assert body["request_id"] == "r1" and body["org_path"] == "/1/5/" and body["entity_id"] == "42"
    assert body["at"]
