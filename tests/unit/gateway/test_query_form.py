"""The condition builder's form ⇄ condition tree (gateway/web/query_form.py)."""
from gateway.web.query_form import blocks_from_form, blocks_of, errors_by_row, tree_of


def test_one_block_is_the_tree_itself():
    form = {"join": "or", "g.a.join": "or", "c.a.1.field": "sex", "c.a.1.op": "eq", "c.a.1.v": "2",
            "c.a.2.field": "joined_on", "c.a.2.op": "between", "c.a.2.v": "2000-01-01", "c.a.2.v2": "2010-12-31",
            "c.a.3.field": "", "c.a.3.op": "eq", "c.a.3.v": "ignored",
            "c.a.4.field": "leave_reason", "c.a.4.op": "empty", "c.a.4.v": "x"}
    join, blocks = blocks_from_form(form)
    assert tree_of(join, blocks) == {"join": "or", "conditions": [
        {"field": "sex", "operator": "eq", "value": "2"},
        {"field": "joined_on", "operator": "between", "value": ["2000-01-01", "2010-12-31"]},
        {"field": "leave_reason", "operator": "empty"}]}


def test_several_blocks_are_groups_and_one_row_blocks_are_conditions():
    form = {"join": "or", "g.a.join": "and", "c.a.1.field": "sex", "c.a.1.op": "eq", "c.a.1.v": "2",
            "c.a.2.field": "age", "c.a.2.op": "gt", "c.a.2.v": " 60 ",
            "g.b.join": "and", "c.b.1.field": "name", "c.b.1.op": "starts", "c.b.1.v": "张",
            "g.c.join": "and", "c.c.1.field": ""}
    join, blocks = blocks_from_form(form)
    tree = tree_of(join, blocks)
    assert tree == {"join": "or", "conditions": [
        {"join": "and", "conditions": [{"field": "sex", "operator": "eq", "value": "2"},
                                       {"field": "age", "operator": "gt", "value": "60"}]},
        {"field": "name", "operator": "starts", "value": "张"}]}
    # A stored tree shows as the same blocks, and builds the same tree again.
    again_join, again = blocks_of(tree)
    assert tree_of(again_join, again) == tree
    assert tree_of(*blocks_of(tree_of(*blocks_from_form({"c.a.1.field": "sex", "c.a.1.op": "eq",
                                                         "c.a.1.v": "1"})))) == {
        "join": "and", "conditions": [{"field": "sex", "operator": "eq", "value": "1"}]}


def test_errors_land_beside_their_rows():
    join, blocks = blocks_from_form({"join": "or", "c.a.1.field": "sex", "c.a.1.op": "gt", "c.a.2.field": "age",
                                     "c.a.2.op": "gt", "c.b.1.field": "name", "c.b.1.op": "eq"})
    rest = errors_by_row(blocks, {"1.2": "年龄的值有误", "2": "姓名的值有误", "org_id": "请选择"})
    assert [[row.error for row in block.rows] for block in blocks] == [["", "年龄的值有误"], ["姓名的值有误"]]
    assert rest == {"org_id": "请选择"}


def test_unknown_form_keys_are_ignored():
    assert blocks_from_form({"c.a.1.color": "red", "c.a..field": "sex", "x": "1"}) == ("and", [])
