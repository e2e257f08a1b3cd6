"""接收报表模板 (domain/report_templates.py): the 省表 document's parser, validator and evaluator —
a good document, each kind of bad one (named in Chinese by table, column and problem), cycles,
formulas that are not the small language, and evaluation by hand-counted figures."""
import copy

import pytest

from services.shared.field_errors import FieldErrors
from services.stats.domain.report_checks import check
from services.stats.domain.report_sum import sum_reports
from services.stats.domain.report_templates import (
    FormulaError,
    evaluate_template,
    national_label,
    parse_formula,
    settle,
    validate_template,
    version_label,
)
from services.stats.domain.tables import Figures

GOOD = {
    "name": "某省省表",
    "tables": [{
        "key": "gender", "title": "党员性别结构",
        "columns": [
            {"key": "total", "label": "党员总数", "formula": 'stock("total")'},
            {"key": "female", "label": "女", "group": "性别", "formula": 'stock("sex", "2")'},
            {"key": "male", "label": "男", "group": "性别", "formula": "total - female"},
            {"key": "joined", "label": "本年发展与转入",
             "formula": 'flow("increase", "develop") + flow("transfer_in")'},
        ],
        "rows": [
            {"key": "end", "label": "本年底"},
            {"key": "start", "label": "上年底", "cells": {"total": 'start("total")', "female": 'start("sex", ["2"])',
                                                        "joined": "0"}},
        ],
        "checks": [{"total": "total", "parts": ["female", "male"]}],
    }, {
        "key": "develop", "name": "省表甲", "title": "发展党员补充",
        "columns": [{"key": "young", "label": "35岁及以下",
                     "formula": 'flow("develop_age_band", ["a30", "a35"])'},
                    {"key": "plus", "label": "加十", "formula": "(young + 10) - 3 - -0"}],
    }],
}
GENDER_CHECK = [{"total": "total", "parts": ["female", "male"], "label": "「党员总数」等于「女」、「男」之和"}]
FIGURES = Figures(2025, end={"total": {"": 10}, "sex": {"1": 6, "2": 4}},
                  start={"total": {"": 8}, "sex": {"1": 5, "2": 3}},
                  flow={"increase": {"develop": 2, "restore": 1}, "transfer_in": {"within": 1, "outside": 2},
                        "develop_age_band": {"a30": 1, "a35": 1, "a40": 3}})


def problems(document) -> dict:
    with pytest.raises(FieldErrors) as refused:
        validate_template(document)
    return refused.value.fields


def bad(change) -> dict:
    document = copy.deepcopy(GOOD)
    change(document)
    return problems(document)


# --- a good document -----------------------------------------------------------------------------

def test_a_good_document_is_normalized_with_every_cell_explicit():
    template = validate_template(GOOD)
    assert template["name"] == "某省省表"
    first, second = template["tables"]
    assert (first["name"], second["name"]) == ("省表1", "省表甲")
    end, start = first["rows"]
    assert end["cells"] == {"total": 'stock("total")', "female": 'stock("sex", "2")', "male": "total - female",
                            "joined": 'flow("increase", "develop") + flow("transfer_in")'}
    assert start["cells"]["male"] == "total - female" and start["cells"]["total"] == 'start("total")'
    assert first["checks"] == GENDER_CHECK
    assert second["rows"] == [{"key": "total", "label": "合计", "cells": {
        "young": 'flow("develop_age_band", ["a30", "a35"])', "plus": "(young + 10) - 3 - -0"}}]


def test_an_empty_table_list_is_a_valid_document_meaning_no_provincial_tables():
    assert validate_template({"name": "撤销省表", "tables": []}) == {"name": "撤销省表", "tables": []}


def test_evaluation_by_hand_counted_figures():
    gender, develop = evaluate_template(validate_template(GOOD), FIGURES)
    assert gender["key"] == "p_gender" and gender["name"] == "省表1" and gender["provincial"] is True
    assert [c["label"] for c in gender["columns"]] == ["党员总数", "女", "男", "本年发展与转入"]
    assert gender["rows"][0]["cells"] == {"total": 10, "female": 4, "male": 6, "joined": 2 + 3}
    assert gender["rows"][1]["cells"] == {"total": 8, "female": 3, "male": 5, "joined": 0}
    assert develop["rows"][0]["cells"] == {"young": 2, "plus": 9}
    assert gender["sums"] == GENDER_CHECK


def test_the_checks_and_the_sum_of_subordinates_work_on_provincial_tables():
    tables = evaluate_template(validate_template(GOOD), FIGURES)
    assert check(tables)["passed"]
    tables[0]["rows"][0]["cells"]["female"] = 5  # a hand correction that breaks 总数 = 男 + 女
    failure = check(tables)["failures"][0]
    assert failure["rule"] == "sum" and failure["severity"] == "error"
    assert failure["message"].startswith("省表1（党员性别结构）「本年底」行：「党员总数」等于「女」、「男」之和")
    summed = sum_reports(evaluate_template(validate_template(GOOD), FIGURES),
                         [evaluate_template(validate_template(GOOD), FIGURES), []])  # an older report lacks it
    assert summed[0]["rows"][0]["cells"] == {"total": 20, "female": 8, "male": 12, "joined": 10}
    assert summed[1]["rows"][0]["cells"] == {"young": 4, "plus": 18}  # 7 added twice: not what a direct count gives
    settled = settle(validate_template(GOOD), summed)
    assert settled[1]["rows"][0]["cells"] == {"young": 4, "plus": 11}  # computed again from the summed young
    assert settled[0]["rows"][0]["cells"] == {"total": 20, "female": 8, "male": 12, "joined": 10}


def test_version_labels():
    assert national_label() == "2012国表 v4"
    assert version_label(None) == "2012国表 v4"
    assert version_label({"name": "某省省表", "version": 3}) == "2012国表 v4；某省省表 v3"


# --- formulas --------------------------------------------------------------------------------------

def test_a_formula_is_parsed_into_its_small_tree():
    assert parse_formula('stock("sex", "2") + 1 - total') == (
        "sub", ("add", ("count", "end", "sex", ("2",)), ("int", 1)), ("column", "total"))
    assert parse_formula('start("category", ["01", "02"])') == ("count", "start", "category", ("01", "02"))
    assert parse_formula('flow("applied")') == ("count", "flow", "applied", None)


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", "只能调用 stock、start、flow"),
    ("open('x')", "只能调用 stock、start、flow"),
    ("total.__class__", "只能使用整数、+、-、括号、其他列名和 stock/start/flow"),
    ("total * 2", "只能使用整数"),
    ("total / 2", "只能使用整数"),
    ("1.5", "只能使用整数"),
    ("True", "只能使用整数"),
    ("'text'", "只能使用整数"),
    ("[1][0]", "只能使用整数"),
    ("lambda: 1", "只能使用整数"),
    ("total if total else 1", "只能使用整数"),
    ("stock(total)", "第一个参数应为维度名"),
    ('stock("sex", 2)', "取值应为一个文本"),
    ('stock("sex", [])', "取值应为一个文本"),
    ('stock("sex", "1", "2")', "应写作"),
    ('stock(dimension="sex")', "应写作"),
    ('stock("nonsense")', "未知的维度：nonsense"),
    ('stock("increase")', "维度 increase 不能用 stock()，应使用 flow()"),
    ('flow("sex")', "维度 sex 不能用 flow()，应使用 stock()"),
    ("total +", "公式写法有误"),
    ("", "公式不能为空"),
    ("1" * 600, "公式不能超过"),
])
def test_anything_outside_the_language_is_refused_in_chinese(text, message):
    with pytest.raises(FormulaError) as refused:
        parse_formula(text)
    assert message in str(refused.value)


# --- bad documents: each problem named by table, column and what -----------------------------------

def test_not_an_object_and_missing_parts():
    assert problems([]) == {"模板": "应为 JSON 对象（name、tables）"}
    found = problems({"tables": "x"})
    assert found == {"name": "模板名称必填", "tables": "应为表的列表（可为空列表：此后不再附省表）"}


def test_an_unknown_dimension_names_table_row_and_column():
    found = bad(lambda d: d["tables"][0]["columns"][1].update(formula='stock("sexx", "2")'))
    # the 上年底 row gives 女 its own formula: only the 本年底 row's cell is wrong
    assert found == {"第1张表「党员性别结构」（gender）行 end 列 female":
                     '公式「stock("sexx", "2")」有误：未知的维度：sexx'}


def test_a_bad_formula_is_named():
    found = bad(lambda d: d["tables"][1]["columns"][0].update(formula="young * 2"))
    assert found["第2张表「发展党员补充」（develop）行 total 列 young"].startswith(
        "公式「young * 2」有误：只能使用整数")


def test_a_count_and_an_integer_in_one_formula_is_refused_as_it_would_not_sum():
    found = bad(lambda d: d["tables"][1]["columns"][0].update(formula='flow("applied") + 1'))
    assert found == {"第2张表「发展党员补充」（develop）行 total 列 young":
                     '公式「flow("applied") + 1」有误：计数（stock、start、flow）不能与整数写在同一个公式里'
                     "（汇总时整数会按下级个数重复相加），请把整数放在另一列"}


def test_a_reference_to_an_unknown_column():
    found = bad(lambda d: d["tables"][0]["columns"][2].update(formula="total - women"))
    assert found == {
        "第1张表「党员性别结构」（gender）行 end 列 male": "公式「total - women」引用了不存在的列：women",
        "第1张表「党员性别结构」（gender）行 start 列 male": "公式「total - women」引用了不存在的列：women"}


@pytest.mark.parametrize("change, where, message", [
    (lambda d: d["tables"].append(copy.deepcopy(d["tables"][0])), "第3张表「党员性别结构」（gender）", "表代号重复"),
    (lambda d: d["tables"][0]["columns"].append({"key": "male", "label": "又一个男", "formula": "1"}),
     "第1张表「党员性别结构」（gender）列 male", "列代号重复"),
    (lambda d: d["tables"][0]["rows"].append({"key": "end", "label": "重复"}),
     "第1张表「党员性别结构」（gender）行 end", "行代号重复"),
    (lambda d: d["tables"][0].update(key="Gender"), "第1张表「党员性别结构」（Gender）",
     "表代号应为小写字母开头的字母、数字或下划线（最多30个）"),
    (lambda d: d["tables"][0].update(title=""), "第1张表（gender）", "表名必填"),
    (lambda d: d["tables"][0]["columns"][0].pop("label"), "第1张表「党员性别结构」（gender）列 total", "列名必填"),
    (lambda d: d["tables"][0]["columns"][0].pop("formula"), "第1张表「党员性别结构」（gender）行 end 列 total",
     "缺少公式（列的 formula 或行的 cells 中给出）"),
    (lambda d: d["tables"][0]["rows"][1]["cells"].update(nope="1"), "第1张表「党员性别结构」（gender）行 start",
     "没有列 nope"),
    (lambda d: d["tables"][0].update(columns=[]), "第1张表「党员性别结构」（gender）columns", "应为至少一个列的列表"),
    (lambda d: d["tables"][0]["checks"].append({"total": "total", "parts": ["female", "other"]}),
     "第1张表「党员性别结构」（gender）第2条校核规则", "没有列：other"),
    (lambda d: d["tables"][0]["checks"].append({"total": "total", "parts": ["total", "male"]}),
     "第1张表「党员性别结构」（gender）第2条校核规则", "合计列不能是自己的组成部分，组成部分不能重复"),
    (lambda d: d["tables"][0]["checks"].append({"total": "total", "parts": []}),
     "第1张表「党员性别结构」（gender）第2条校核规则", "parts 应为至少一个列代号的列表"),
])
def test_each_kind_of_bad_document(change, where, message):
    assert bad(change) == {where: message}


def test_every_problem_is_reported_at_once():
    def break_twice(document):
        document["tables"][0]["columns"][0]["formula"] = 'stock("nope")'
        document["tables"][1]["columns"][1]["formula"] = "young - ghost"
    assert len(bad(break_twice)) == 2  # table 1's 本年底 total (上年底 has its own formula), table 2's plus


# --- cycles ----------------------------------------------------------------------------------------

def test_a_column_referring_to_itself_is_a_cycle():
    found = bad(lambda d: d["tables"][1]["columns"][1].update(formula="plus + 1"))
    assert found == {"第2张表「发展党员补充」（develop）行 total": "列之间循环引用：plus → plus"}


def test_a_longer_cycle_is_named_in_order():
    def cycle(document):
        columns = document["tables"][0]["columns"]
        columns[0]["formula"] = "joined + 1"     # total → joined
        columns[3]["formula"] = "male"           # joined → male → total (male = total - female)
    found = bad(cycle)
    assert found == {"第1张表「党员性别结构」（gender）行 end": "列之间循环引用：total → joined → male → total"}


def test_a_cycle_only_in_one_row_names_that_row():
    def cycle(document):
        document["tables"][0]["rows"][1]["cells"]["total"] = "male + female"  # male = total - female
    assert bad(cycle) == {"第1张表「党员性别结构」（gender）行 start": "列之间循环引用：total → male → total"}
