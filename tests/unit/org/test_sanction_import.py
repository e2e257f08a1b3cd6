"""The 组织奖惩采集表 (数据迁移), pure: each row read into the organization card's 组织奖惩 record (the same
rules as 新增组织奖惩, a date also as Excel has it) and judged against the organization — no such code,
out of scope, revoked — and its records: one it has (imported before), the same row twice."""
from datetime import date

import pytest

from services.org.domain import sanction_import as rules
from services.org.domain.sanction_import import ALREADY, judge, read_row

ORG = {"name": "某支部", "in_scope": True, "status": "active"}


def raw(**given):
    return {"row": 2, "org_code": "B01", "kind": "奖励", "name": "先进基层党组织", "approved_on": "2021/6/28",
            "approver": "某县委", "level": "县级", "reason": "", **given}


def test_a_row_reads_as_the_cards_record():
    values = read_row(raw())
    assert values == {"kind": "1", "name": "先进基层党组织", "approved_on": date(2021, 6, 28), "approver": "某县委",
                      "level": "4", "reason": None}
    assert read_row(raw(kind="惩处", level="", approved_on="2019年3月1日"))["level"] is None
    assert [column.header for column in rules.SANCTION_IMPORT_COLUMNS] == [
        "党组织代码", "奖惩类别", "奖惩名称", "批准日期", "批准机关", "批准机关级别", "奖惩原因"]


def test_every_problem_under_its_column():
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(kind="表扬", name="", approved_on="明年", approver="", level="国际"))
    assert set(caught.value.fields) == {"kind", "name", "approved_on", "approver", "level"}
    with pytest.raises(rules.RowProblems) as caught:
        read_row(raw(approved_on="2999-01-01"))
    assert "不能晚于今天" in caught.value.fields["approved_on"]


def test_judged_against_the_organization_and_its_records():
    values = read_row(raw())
    assert judge("B01", ORG, values, [], []) is None
    assert judge("X", None, values, [], []) == ("org_code", "没有代码为“X”的党组织")
    assert judge("", None, values, [], []) == ("org_code", "请填写党组织代码")
    assert "管理范围" in judge("B01", {**ORG, "in_scope": False}, values, [], [])[1]
    assert "已撤销" in judge("B01", {**ORG, "status": "revoked"}, values, [], [])[1]
    assert judge("B01", ORG, values, [dict(values)], []) == ("name", ALREADY)
    assert judge("B01", ORG, values, [{**values, "approved_on": date(2020, 1, 1)}], []) is None
    assert judge("B01", ORG, values, [], [(5, dict(values))]) == ("name", "与第 5 行是同一条奖惩记录")
