"""Import preview rules: every problem with its row and field; nothing valid is lost."""
from datetime import date

from services.member.domain.import_rows import check_rows

TODAY = date(2026, 11, 27)
ORGS = {"B1": {"id": 5, "path": "/1/5/", "name": "第一支部", "in_scope": True},
        "X9": {"id": 9, "path": "/1/9/", "name": "别处支部", "in_scope": False}}


def row(n, **overrides):
    data = {"row": n, "name": "张三", "id_number": "11010519491231002X", "ethnicity": "汉族", "category": "正式党员",
            "joined_on": "1975-07-01", "org_code": "B1"}
    data.update(overrides)
    return data


def test_a_valid_row_is_normalized_with_its_organization():
    checked = check_rows([row(2)], ORGS, set(), TODAY)
    assert checked.errors == []
    assert checked.valid[0]["org_id"] == 5 and checked.valid[0]["org_path"] == "/1/5/"
    assert checked.valid[0]["ethnicity"] == "01" and checked.valid[0]["sex"] == "2" and checked.valid[0]["row"] == 2


def test_each_problem_has_its_row_field_and_message():
    checked = check_rows([
        row(2, id_number="110105194912310021"),
        row(3, org_code="NOPE"),
        row(4, org_code="X9", id_number="110105194912310038"),
        row(5, ethnicity="火星族", name=""),
    ], ORGS, set(), TODAY)
    assert checked.valid == []
    # each names the person and the organization (an out-of-scope one only by the code typed)
    assert {"row": 2, "name": "张三", "org": "第一支部", "field": "id_number", "message": "公民身份号码校验码错误"} \
        in checked.errors
    assert {"row": 3, "name": "张三", "org": "NOPE", "field": "org_code", "message": "党组织代码不存在：NOPE"} \
        in checked.errors
    assert {"row": 4, "name": "张三", "org": "X9", "field": "org_code",
            "message": "党组织不在本账号的管理范围内：X9"} in checked.errors
    assert {(e["row"], e["field"]) for e in checked.errors if e["row"] == 5} == {(5, "ethnicity"), (5, "name")}


def test_duplicates_within_the_file_and_already_registered():
    checked = check_rows([row(2), row(3), row(4, id_number="110105194912310038")], ORGS,
                         {"110105194912310038"}, TODAY)
    assert [v["row"] for v in checked.valid] == [2]
    who = {"name": "张三", "org": "第一支部"}
    assert {"row": 3, **who, "field": "id_number", "message": "与第2行的公民身份号码重复"} in checked.errors
    assert {"row": 4, **who, "field": "id_number", "message": "公民身份号码 110105194912310038 已登记为党员"} \
        in checked.errors


def test_missing_org_code_is_required():
    checked = check_rows([row(2, org_code="")], ORGS, set(), TODAY)
    assert checked.errors == [{"row": 2, "name": "张三", "org": "", "field": "org_code", "message": "必填"}]


def test_problems_found_while_reading_the_sheet_are_reported_as_they_are():
    message = "公民身份号码被存为数字（会丢失末几位），请将该列设为文本格式后重新填写"
    checked = check_rows([row(2, id_number="110105194912310000", sheet_problems={"id_number": message})], ORGS,
                         set(), TODAY)
    assert checked.errors == [{"row": 2, "name": "张三", "org": "第一支部", "field": "id_number", "message": message}]
    assert checked.valid == []


def test_values_read_otherwise_than_typed_are_noted():
    rows = [row(2, ethnicity="汉", category="正式"), row(4, ethnicity="01", id_number="110105194912310038")]
    checked = check_rows(rows, ORGS, set(), TODAY)
    assert [v["ethnicity"] for v in checked.valid] == ["01", "01"]
    assert checked.notes == [
        {"row": 2, "name": "张三", "org": "第一支部", "field": "ethnicity", "message": "民族：汉 → 汉族"},
        {"row": 2, "name": "张三", "org": "第一支部", "field": "category", "message": "党员类别：正式 → 正式党员"},
        {"row": 4, "name": "张三", "org": "第一支部", "field": "ethnicity", "message": "民族：01 → 汉族"},
    ]
