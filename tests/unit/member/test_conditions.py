"""综合查询: the condition tree's validation (pure) and its compilation to SQL; the catalog."""
from datetime import date

import pytest
from sqlalchemy.dialects import postgresql

from services.member.domain.conditions import (
    AND,
    CODE,
    MAX_CONDITIONS,
    OPERATORS,
    OR,
    Field,
    Group,
    catalog,
    describe,
    plain,
    validate_query,
    validate_where,
)
from services.member.domain.id_checks import id_number_problem, person_key
from services.member.models import members
from services.member.query_catalog import DEFAULT_SORT, FIELDS, SORTS, compile_where, field_list
from services.shared.codes import SEXES
from services.shared.field_errors import FieldErrors


def cond(field, operator, value=None):
    return {"field": field, "operator": operator, "value": value}


def errors_of(raw) -> dict:
    with pytest.raises(FieldErrors) as caught:
        validate_where(raw, FIELDS)
    return caught.value.fields


def sql(raw) -> str:
    where = compile_where(validate_where(raw, FIELDS))
    return str(where.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def test_a_tree_is_normalized():
    tree = validate_where({"join": "or", "conditions": [
        {"join": "and", "conditions": [cond("sex", "eq", "女"), cond("age", "gt", "60")]},
        cond("category", "eq", 2), cond("joined_on", "between", ["2000-01-01", "2010-12-31"])]}, FIELDS)
    assert tree.join == OR and isinstance(tree.items[0], Group) and tree.items[0].join == AND
    assert [c.value for c in tree.items[0].items] == ["2", 60]
    assert tree.items[1].value == "02"
    assert tree.items[2].value == (date(2000, 1, 1), date(2010, 12, 31))
    assert plain(tree)["conditions"][2]["value"] == ["2000-01-01", "2010-12-31"]
    assert describe(tree) == ("（性别 等于 女 并且 年龄 大于 60） 或者 党员类别 等于 预备党员 或者 "
                              "入党日期 介于 2000-01-01 至 2010-12-31")
    assert validate_where(plain(tree), FIELDS) == tree  # what is stored reads back the same


def test_an_empty_tree_is_every_member():
    assert validate_where(None, FIELDS) == Group(AND, ())
    assert describe(validate_where({"conditions": []}, FIELDS)) == "全部党员"
    assert sql({"conditions": []}) == "true"


def test_every_bad_condition_is_named_by_position_in_chinese():
    fields = errors_of({"join": "and", "conditions": [
        cond("shoe_size", "eq", "42"),
        cond("sex", "contains", "男"),
        cond("birth_date", "gt", "1990-13-01"),
        cond("ethnicity", "eq", "火星族"),
        {"join": "or", "conditions": [cond("age", "between", [60, 30]), {"join": "and", "conditions": []}]},
        cond("name", "eq", ""),
        "x",
    ]})
    assert fields["1"] == "未知的查询项：shoe_size"
    assert fields["2"].startswith("性别（代码）不能用“包含”") and "等于" in fields["2"]
    assert fields["3"] == "出生日期的值有误：日期格式应为YYYY-MM-DD"
    assert fields["4"] == "民族的值有误：民族代码不存在：火星族"
    assert fields["5.1"] == "年龄的值有误：起始值不能大于终止值"
    assert fields["5.2"] == "条件组内只能是条件（只支持一层括号）"
    assert fields["6"] == "姓名的值有误：必填"
    assert fields["7"] == "条件应为对象"


@pytest.mark.parametrize("raw, message", [
    ({"join": "xor", "conditions": []}, "条件关系应为 and（并且）或 or（或者）"),
    ({"conditions": "sex=1"}, "条件列表应为数组"),
    ([], "查询条件应为对象"),
])
def test_malformed_trees(raw, message):
    assert message in errors_of(raw).values()


def test_values_by_type():
    assert errors_of({"conditions": [cond("age", "eq", True)]})["1"] == "年龄的值有误：应为整数"
    assert errors_of({"conditions": [cond("age", "eq", "1.5")]})["1"] == "年龄的值有误：应为整数"
    assert errors_of({"conditions": [cond("joined_on", "between", "2000-01-01")]})["1"] == \
        "入党日期的值有误：“介于”需要起止两个值"
    assert errors_of({"conditions": [cond("name", "eq", ["a"])]})["1"] == "姓名的值有误：应为单个值"
    assert errors_of({"conditions": [cond("name", "starts", "x" * 101)]})["1"] == "姓名的值有误：不能超过100个字符"
    assert validate_where({"conditions": [cond("left_on", "empty", "ignored")]}, FIELDS).items[0].value is None


def test_too_many_conditions():
    fields = errors_of({"conditions": [cond("name", "starts", "张")] * (MAX_CONDITIONS + 1)})
    assert fields == {"conditions": f"条件不能超过{MAX_CONDITIONS}个"}


def test_the_whole_query():
    query = validate_query({"org_id": "7", "where": {"conditions": [cond("sex", "eq", "1")]}, "sort": "-joined_on"},
                           FIELDS, SORTS, DEFAULT_SORT)
    assert (query.org_id, query.history, query.sort) == (7, False, "-joined_on")
    with pytest.raises(FieldErrors) as caught:
        validate_query({"history": "yes", "sort": "salary", "where": {"conditions": [cond("x", "eq", 1)]},
                        "limit": 5}, FIELDS, SORTS, DEFAULT_SORT)
    assert caught.value.fields == {"org_id": "请选择查询范围（党组织）", "history": "应为 true 或 false",
                                   "sort": "排序项应为：" + "、".join(SORTS), "1": "未知的查询项：x",
                                   "limit": "未知的查询参数"}


def test_compiled_sql_for_and_or_and_groups():
    assert sql({"conditions": [cond("sex", "eq", "2"), cond("name", "starts", "张_")]}) == (
        "member.members.sex = '2' AND (member.members.name LIKE '张/_' || '%%' ESCAPE '/')")
    text = sql({"join": "or", "conditions": [
        {"join": "and", "conditions": [cond("category", "eq", "02"), cond("joined_on", "lt", "2020-01-01")]},
        cond("ethnicity", "ne", "01")]})
    assert text == ("member.members.category = '02' AND member.members.joined_on < '2020-01-01' "
                    "OR member.members.ethnicity IS DISTINCT FROM '01'")
    assert sql({"conditions": [cond("leave_reason", "empty")]}) == (
        "member.members.leave_reason IS NULL OR member.members.leave_reason = ''")
    assert "date_part('year', age(CURRENT_DATE, member.members.birth_date)) BETWEEN 30 AND 40" in \
        sql({"conditions": [cond("age", "between", [30, 40])]})


def test_conditions_on_a_child_info_set_share_one_record_within_and():
    both = sql({"conditions": [cond("status_change_kind", "eq", "30"),
                               cond("status_change_on", "between", ["2020-01-01", "2020-12-31"])]})
    assert both.count("EXISTS") == 1
    assert "member.status_changes.member_id = member.members.id" in both
    assert "member.status_changes.undone_at IS NULL" in both
    assert "member.status_changes.kind = '30' AND member.status_changes.changed_on BETWEEN" in both
    either = sql({"join": "or", "conditions": [cond("status_change_kind", "eq", "30"),
                                               cond("status_change_on", "gt", "2020-01-01")]})
    assert either.count("EXISTS") == 2
    none = sql({"conditions": [cond("status_change_kind", "empty")]})
    assert none.startswith("NOT (EXISTS")


def test_catalog_is_consistent():
    for key, f in FIELDS.items():
        assert f.key == key and f.label and f.type in OPERATORS
        assert (f.type == CODE) == (f.codes is not None)
        assert f.column is not None
        if f.via is not None:
            assert f.via.table is not members and f.via.name == "member_id"
    listed = {f["key"]: f for f in field_list()}
    assert list(listed) == list(FIELDS)
    assert listed["sex"]["codes"][1] == {"code": "1", "name": "男"}
    assert {o["name"] for o in listed["birth_date"]["operators"]} >= {"早于", "晚于", "介于"}
    # Every field of every repeating info set is queryable, a 评议年度 as a number.
    assert listed["evaluations.year"]["type"] == "number" and listed["evaluations.grade"]["type"] == "code"
    assert listed["work_posts.occupation"]["label"] == "工作岗位：工作岗位"
    for label, column in SORTS.values():
        assert label and column.table is members
    with pytest.raises(ValueError):
        catalog(Field("a", "甲", "text"), Field("a", "乙", "text"))
    with pytest.raises(ValueError):
        catalog(Field("b", "乙", CODE))
    with pytest.raises(ValueError):
        catalog(Field("c", "丙", "text", SEXES))


def test_person_key_reads_a_15_digit_number_as_its_18_digit_form():
    assert person_key("110105491231002") == person_key("11010519491231002X") == "11010519491231002"
    assert person_key("11010519491231002x") == "11010519491231002"


@pytest.mark.parametrize("number, birth, sex, problem", [
    ("11010519491231002X", date(1949, 12, 31), "2", None),
    ("110105194912310021", date(1949, 12, 31), "2", "公民身份号码校验码错误"),
    ("110105194902300021", date(1949, 2, 28), "2", "公民身份号码中的出生日期无效"),
    ("110105491231002", date(1949, 12, 31), "2", "15位旧号码，应升级为18位：11010519491231002X"),
    ("11010519491231002x", date(1949, 12, 31), "2", "格式不规范，应为：11010519491231002X"),
    ("11010519491231002X", date(1950, 1, 1), "2", "与出生日期1950-01-01不一致"),
    ("11010519491231002X", date(1949, 12, 31), "1", "与性别（男）不一致"),
    ("1101051949", date(1949, 12, 31), "2", "公民身份号码应为18位"),
])
def test_stored_id_number_problems(number, birth, sex, problem):
    assert id_number_problem(number, birth, sex, today=date(2026, 1, 1)) == problem


def test_a_years_evaluation_is_one_record():
    text = sql({"conditions": [cond("evaluations.grade", "eq", "优秀"), cond("evaluations.year", "eq", 2024)]})
    assert text.count("EXISTS") == 1
    assert "member.evaluations.grade = '1' AND member.evaluations.year = 2024" in text
