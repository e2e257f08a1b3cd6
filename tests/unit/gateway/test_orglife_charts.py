"""The 组织生活 summary's charts (pure): bars on one scale, rates on a 100% track, labels escaped,
a text equivalent in each chart, and only kinds that have something to show."""
from gateway.web.charts import NARROW, NARROW_VALUE, compared, compared_chart, orglife_charts, rate_chart, rates
from services.org.domain import orglife_rules

PLOT = NARROW - NARROW_VALUE


def test_done_and_due_share_one_scale_and_a_surplus_shows_past_the_track():
    rows = compared([("支部委员会", 6, 12), ("支部党员大会", 5, 4), ("其他", 0, 0)])
    assert rows[0]["due_width"] == PLOT and rows[0]["done_width"] == PLOT // 2
    assert rows[1]["done_width"] > rows[1]["due_width"]
    assert rows[2]["done_width"] == rows[2]["due_width"] == 0
    assert compared([("空", 0, 0)])[0]["due_width"] == 0  # nothing at all: no division by zero


def test_rates_fill_their_track_proportionally_and_stay_inside_it():
    half, over = rates([("党课", 0.5), ("错", 1.7)])
    assert half["width"] == round(PLOT * 0.5) and half["track"] == PLOT
    assert over["width"] == PLOT


def test_charts_escape_labels_and_say_their_figures_in_words():
    svg = str(compared_chart("<t>", [("<b>", 3, 4)], ("已开展", "应开展")))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "<desc>&lt;b&gt;已开展3次，应开展4次</desc>" in svg
    assert 'role="img"' in svg and "3 / 4" in svg and "style=" not in svg and "<script" not in svg
    assert "87.5%" in str(rate_chart("出席率", [("党小组会", 0.875)]))


def test_the_summary_charts_show_kinds_required_or_held_and_rates_where_anyone_was_listed():
    rules = orglife_rules.rules_for(2025)
    summary = orglife_rules.summary(rules, held={"11": 2, "99": 1}, met={"11": 2}, organizations=1,
                                    people={"11": (7, 8)})
    charts = {c["key"]: str(c["svg"]) for c in orglife_charts(summary)}
    assert "支部党员大会已开展2次，应开展4次" in charts["held"] and "其他已开展1次，应开展0次" in charts["held"]
    assert "谈心谈话" not in charts["held"]  # neither required nor held
    assert "支部党员大会87.5%" in charts["attendance"] and "党课" not in charts["attendance"]
    empty = orglife_rules.summary(rules, held={}, met={}, organizations=0)
    assert orglife_charts(empty) == []
