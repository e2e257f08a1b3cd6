"""Report tables in the shape the stats service's `report` gives (fixture JSON for the pure
report-work layers: checks, comparison, 汇总, corrections, the Excel layout, charts)."""

T1_COLUMNS = [
    ("year_start", "上年底党员总数", None),
    ("increase_total", "合计", "增加党员"), ("increase_develop", "发展党员", "增加党员"),
    ("increase_restore", "恢复党籍", "增加党员"), ("increase_transfer_in", "转入", "增加党员"),
    ("increase_other", "其他", "增加党员"),
    ("decrease_total", "合计", "减少党员"), ("decrease_death", "死亡", "减少党员"),
    ("decrease_expel", "出党", "减少党员"), ("decrease_suspend", "停止党籍", "减少党员"),
    ("decrease_transfer_out", "转出", "减少党员"), ("decrease_other", "其他", "减少党员"),
    ("year_end", "本年底实有党员数", None), ("difference", "实有数与应有数之差", None),
]
INCREASES = ["increase_develop", "increase_restore", "increase_transfer_in", "increase_other"]
DECREASES = ["decrease_death", "decrease_expel", "decrease_suspend", "decrease_transfer_out", "decrease_other"]


def _columns(specs):
    return [{"key": key, "label": label, "group": group} for key, label, group in specs]


def t1(year_start=10, develop=2, restore=0, other=0, death=1, expel=0, suspend=0, year_end=None, difference=None):
    increase = develop + restore + other
    decrease = death + expel + suspend
    end = year_start + increase - decrease if year_end is None else year_end
    cells = {"year_start": year_start, "increase_total": increase, "increase_develop": develop,
             "increase_restore": restore, "increase_transfer_in": 0, "increase_other": other,
             "decrease_total": decrease, "decrease_death": death, "decrease_expel": expel,
             "decrease_suspend": suspend, "decrease_transfer_out": 0, "decrease_other": 0, "year_end": end,
             "difference": end - (year_start + increase - decrease) if difference is None else difference}
    return {"key": "t1", "title": "两年党员数综合比较", "columns": _columns(T1_COLUMNS),
            "rows": [{"key": "total", "label": "合计", "cells": cells}],
            "sums": [{"total": "increase_total", "parts": INCREASES, "label": "增加党员合计等于各项增加之和"},
                     {"total": "decrease_total", "parts": DECREASES, "label": "减少党员合计等于各项减少之和"}]}


def t2(total=11, female=4, young=3, old=None):
    old = total - young if old is None else old
    return {"key": "t2", "title": "党员基本情况",
            "columns": _columns([("total", "党员总数", None), ("female", "女性", None),
                                 ("a30", "30岁及以下", "年龄"), ("a61", "61岁及以上", "年龄")]),
            "rows": [{"key": "total", "label": "合计",
                      "cells": {"total": total, "female": female, "a30": young, "a61": old}}],
            "sums": [{"total": "total", "parts": ["a30", "a61"], "label": "党员总数等于各年龄段之和"}]}


def tables(**t1_figures):
    first = t1(**t1_figures)
    return [first, t2(total=first["rows"][0]["cells"]["year_end"], young=3)]


def report(org_id=7, year=2025, **t1_figures):
    result = tables(**t1_figures)
    cells = result[0]["rows"][0]["cells"]
    return {"org_id": org_id, "year": year, "period_end": f"{year}-12-31", "scope": "subtree",
            "year_start_total": cells["year_start"], "year_end_total": cells["year_end"], "tables": result}
