"""Checking 党组织采集表 rows before anything is written."""
from services.org.domain.import_rows import check_org_rows


def row(number, name="支部", code="A1", type_="党支部", parent_code="P", **extra):
    return {"row": number, "name": name, "code": code, "type": type_, "parent_code": parent_code, **extra}


EXISTING = {"P": {"id": 5, "type": "11", "status": "active", "in_scope": True},
            "LEAF": {"id": 6, "type": "31", "status": "active", "in_scope": True},
            "GONE": {"id": 7, "type": "11", "status": "revoked", "in_scope": True},
            "FAR": {"id": 8, "type": "11", "status": "active", "in_scope": False}}


def errors(rows) -> dict:
    return {(e["row"], e["field"]): e["message"] for e in check_org_rows(rows, EXISTING).errors}


def test_valid_rows_under_an_existing_parent_and_under_an_earlier_row():
    checked = check_org_rows([row(2, "总支", "G1", "党总支", "P", affiliation="县"),
                              row(3, "支部", "B1", "党支部", "G1", established_on="2020-01-01")], EXISTING)
    assert checked.errors == []
    assert [(v["row"], v["code"], v["parent_id"], v["parent_code"]) for v in checked.valid] == [
        (2, "G1", 5, "P"), (3, "B1", None, "G1")]
    assert checked.valid[0]["affiliation"] == "4" and checked.valid[0]["type"] == "21"


def test_bad_items_and_codes():
    assert errors([row(2, name="", type_="月球", postcode="1"), row(3, code="P"), row(4, code="X1"),
                   row(5, code="X1"), row(6, parent_code="")]) == {
        (2, "name"): "必填", (2, "type"): "未知的党组织类别：月球", (2, "postcode"): "邮政编码应为6位数字",
        (3, "code"): "党组织代码“P”已被使用", (5, "code"): "与第4行的党组织代码重复", (6, "parent_code"): "必填",
        (6, "code"): "与第2行的党组织代码重复"}


def test_parents_that_cannot_take_the_row():
    assert errors([row(2, code="C1", parent_code="LEAF"), row(3, code="C2", parent_code="GONE"),
                   row(4, code="C3", parent_code="FAR"), row(5, code="C4", parent_code="NONE"),
                   row(6, code="C5", parent_code="C7"), row(7, code="C7", type_="党总支"),
                   row(8, code="C8", parent_code="C1"), row(9, code="C9", name="", type_="党总支"),
                   row(10, code="C10", parent_code="C9")]) == {
        (2, "parent_code"): "上级党组织是党支部，不能设立下级党组织",
        (3, "parent_code"): "上级党组织已撤销：GONE",
        (4, "parent_code"): "上级党组织不在本账号的管理范围内：FAR",
        (5, "parent_code"): "上级党组织代码不存在：NONE（本表中的上级须写在前面的行）",
        (6, "parent_code"): "上级党组织代码不存在：C7（本表中的上级须写在前面的行）",
        (8, "parent_code"): "上级党组织（第2行）有误，请先改正该行",
        (9, "name"): "必填",
        (10, "parent_code"): "上级党组织（第9行）有误，请先改正该行"}


def test_sheet_problems_come_first():
    assert errors([row(2, sheet_problems={"code": "表格中的问题"})]) == {(2, "code"): "表格中的问题"}


def test_coded_items_typed_otherwise_are_noted_with_what_is_written():
    checked = check_org_rows([row(2, "某县委", "C1", "县委", "P", affiliation="县"),
                              row(3, "支部", "B1", "党支部", "C1")], EXISTING)
    assert checked.errors == [] and checked.valid[0]["type"] == "10"
    assert checked.notes == [
        {"row": 2, "name": "某县委", "org": "P", "field": "type", "message": "党组织类别：县委 → 地方委员会"},
        {"row": 2, "name": "某县委", "org": "P", "field": "affiliation", "message": "隶属关系：县 → 县（市、区、旗）"},
    ]


def test_a_row_may_record_one_unit_with_its_category_name_and_party_setup():
    checked = check_org_rows([row(2, code="V1", unit_category="村", unit_name="东村", unit_setup="单独建立"),
                              row(3, code="V2"),
                              row(4, code="V3", unit_category="乡镇", unit_name="", unit_setup=""),
                              row(5, code="V4", unit_name="西村"),
                              row(6, code="V5", unit_category="月球", unit_name="南村", unit_setup="1")], EXISTING)
    assert [(v["code"], v["unit"]) for v in checked.valid] == [
        ("V1", {"name": "东村", "category": "51", "party_setup": "1", "industry": None, "credit_code": None}),
        ("V2", None)]
    found = {(e["row"], e["field"]): e["message"] for e in checked.errors}
    assert found[(4, "unit_name")] == "填写单位信息时必填" and found[(4, "unit_setup")] == "填写单位信息时必填"
    assert found[(5, "unit_category")] == "填写单位信息时必填" and (5, "unit_name") not in found
    assert found[(6, "unit_category")].startswith("未知")
