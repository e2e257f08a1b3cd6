"""报表封面: who answers for the report and when it went out, as the official cover asks
(填报单位 is the organization itself). Pure."""
from datetime import date

from services.shared.field_errors import FieldErrors
from services.shared.field_rules import iso_date, optional_phone, optional_text

# key → (label, max length); the order is the cover's.
PEOPLE = {"unit_leader": ("单位负责人", 30), "statistics_leader": ("统计负责人", 30), "preparer": ("填报人", 30)}
COVER_FIELDS = {**{key: label for key, (label, _) in PEOPLE.items()}, "phone": "联系电话", "reported_on": "报出日期"}


def validate_cover(raw, today: date | None = None) -> dict:
    """Every field may be left empty; FieldErrors names each bad one."""
    if not isinstance(raw, dict):
        raise FieldErrors({"cover": "应为对象"})
    cover, errors = {}, {}
    for key, (_, limit) in PEOPLE.items():
        try:
            cover[key] = optional_text(raw.get(key), limit)
        except ValueError as e:
            errors[key] = str(e)
    try:
        cover["phone"] = optional_phone(raw.get("phone"))
    except ValueError as e:
        errors["phone"] = str(e)
    reported_on = raw.get("reported_on")
    if reported_on not in (None, ""):
        try:
            day = iso_date(reported_on)
            if day > (today or date.today()):
                raise ValueError("报出日期不能晚于今天")
            cover["reported_on"] = day.isoformat()
        except ValueError as e:
            errors["reported_on"] = str(e)
    else:
        cover["reported_on"] = None
    if errors:
        raise FieldErrors(errors)
    return cover
