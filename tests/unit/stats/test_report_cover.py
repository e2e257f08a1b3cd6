"""报表封面's fields (services/stats/domain/report_cover.py)."""
from datetime import date

import pytest

from services.shared.field_errors import FieldErrors
from services.stats.domain.report_cover import validate_cover

TODAY = date(2026, 1, 20)


def test_a_filled_cover_is_cleaned_and_an_empty_one_is_all_blank():
    cover = validate_cover({"unit_leader": " 张三 ", "statistics_leader": "李四", "preparer": "王五",
                            "phone": "0371-12345678", "reported_on": "2026-01-15"}, TODAY)
    assert cover == {"unit_leader": "张三", "statistics_leader": "李四", "preparer": "王五",
                     "phone": "0371-12345678", "reported_on": "2026-01-15"}
    assert validate_cover({}, TODAY) == {"unit_leader": None, "statistics_leader": None, "preparer": None,
                                         "phone": None, "reported_on": None}


@pytest.mark.parametrize("raw, field, message", [
    ({"phone": "电话12345"}, "phone", "联系电话只能含数字、空格、+、-和括号"),
    ({"reported_on": "2026-02-01"}, "reported_on", "报出日期不能晚于今天"),
    ({"reported_on": "2026/01/01"}, "reported_on", "日期格式应为YYYY-MM-DD"),
    ({"preparer": "王" * 31}, "preparer", "不能超过30个字符"),
    ({"unit_leader": 5}, "unit_leader", "应为文本"),
])
def test_bad_fields_are_named_in_chinese(raw, field, message):
    with pytest.raises(FieldErrors) as refused:
        validate_cover(raw, TODAY)
    assert refused.value.fields == {field: message}


def test_a_cover_that_is_not_an_object_is_refused():
    with pytest.raises(FieldErrors) as refused:
        validate_cover(["张三"], TODAY)
    assert refused.value.fields == {"cover": "应为对象"}
