"""Form errors as a page shows them: Chinese labels, never field names, and the control each sits beside."""
import pytest

from gateway.web.field_labels import NO_ERRORS, form_errors


def texts(errors):
    return [(e.text, e.control) for e in errors]


def test_member_basic_fields_are_named_by_their_labels():
    errors = form_errors("edit", {"id_number": "校验码错误", "joined_on": "入党日期不能早于出生日期"})
    assert texts(errors) == [("公民身份号码：校验码错误", "basic-id_number"),
                             ("入党日期不能早于出生日期", "basic-joined_on")]  # the label is not repeated
    assert errors.get("id_number").id == "error-basic-id_number"


@pytest.mark.parametrize("form, field, label, control", [
    ("evaluations-add", "grade", "评议结果", "add-evaluations-grade"),
    ("work_posts-17", "started_on", "开始日期", "edit-work_posts-17-started_on"),
    ("sanction", "approved_on", "批准日期", "sanction-approved_on"),
    ("unit", "industry", "行业", "unit-industry"),
    ("card", "postcode", "邮政编码", "card-postcode"),
    ("leave", "kind", "减少类型", "leave-kind"),
    ("member", "id_number", "公民身份号码", "member-id_number"),
    ("org", "type", "党组织类别", "new-type"),
    ("dues-remit", "period", "所缴期间", "dues-remit-period"),
    ("remit-fix-17", "amount", "上缴金额", "remit-fix-17-amount"),
])
def test_every_form_kind_labels_its_fields(form, field, label, control):
    (error,) = form_errors(form, {field: "必填"})
    assert (error.text, error.control) == (f"{label}：必填", control)


def test_a_report_correction_points_its_cell_parts_to_the_one_cell_control():
    errors = form_errors("correct", {"row": "没有这一行", "value": "应为非负整数"})
    assert texts(errors) == [("单元格：没有这一行", "correct-cell"), ("新数值：应为非负整数", "correct-value")]
    assert errors.messages("cell", "table", "row", "column") == "没有这一行" and NO_ERRORS.messages("row") == ""
    (cover,) = form_errors("cover", {"reported_on": "日期格式应为YYYY-MM-DD"})
    assert (cover.text, cover.control) == ("报出日期：日期格式应为YYYY-MM-DD", "cover-reported_on")


def test_fields_without_a_control_get_a_common_label_or_none_never_the_name():
    errors = form_errors("edit", {"version": "版本已过期", "org_id": "党组织不存在", "whatever_key": "不能在此修改"})
    assert texts(errors) == [("版本已过期", None), ("所在党组织：党组织不存在", None), ("不能在此修改", None)]
    assert all("_" not in e.text for e in errors)
    assert [e.key for e in errors.extra(("name",))] == ["org_id", "whatever_key"]


def test_errors_belong_to_the_open_form_only():
    errors = form_errors("leave", {"date": "必填"})
    assert errors.of("leave") is errors and errors.of("restore") is NO_ERRORS and not NO_ERRORS
