"""The 介绍信: its number and the fields it is drawn from (MANUALS.md §1.8), already written for
reading (names, capital numerals). Pure."""
from datetime import date

from .numerals import capital_days, capital_month

SERIAL_DIGITS = 6


def letter_no(year: int, serial: int) -> str:
    """YYYY + a 6-digit serial of the year: 2026000123."""
    if not 1 <= serial < 10 ** SERIAL_DIGITS:
        raise ValueError("本年介绍信编号已用完")
    return f"{year:04d}{serial:0{SERIAL_DIGITS}d}"


# The letter's fields, in the order of the three parts (存根, 介绍信, 回执联); `contract.py`
# publishes them for the gateway's PDF.
LETTER_FIELDS = (
    ("letter_no", "编号"),
    ("member_name", "姓名"),
    ("sex", "性别"),
    ("age", "年龄"),
    ("ethnicity", "民族"),
    ("category", "党员类别"),
    ("id_number", "公民身份号码"),
    ("from_org_name", "转出党组织"),
    ("to_org_name", "转入党组织"),
    ("addressee", "抬头（接收党组织）"),
    ("dues_paid_to", "党费交到"),
    ("dues_paid_to_capital", "党费交到（大写）"),
    ("valid_days", "有效期（天）"),
    ("valid_days_capital", "有效期（大写）"),
    ("valid_until", "有效期至"),
    ("issued_on", "开具日期"),
    ("issuer_name", "开具党委"),
    ("phone", "党员联系电话"),
    ("sender_address", "党员原所在基层党委通讯地址"),
    ("sender_postcode", "邮编"),
    ("receipt_addressee", "回执抬头（转出基层党委）"),
    ("kind_name", "转接类型"),
)


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def letter_fields(transfer: dict, member: dict, issuer_name: str, to_name: str, addressee: str,
                  issued_on: date) -> dict:
    """`member`: the snapshot taken at apply (name, sex_name, birth_date, ethnicity_name,
    category_name, id_number)."""
    birth = date.fromisoformat(member["birth_date"]) if member.get("birth_date") else None
    dues = transfer.get("dues_paid_to")
    dues_text = f"{int(dues[:4])}年{int(dues[5:])}月" if dues else ""
    days = transfer.get("valid_days")
    return {
        "letter_no": transfer.get("letter_no") or "",
        "member_name": member.get("name") or transfer.get("member_name") or "",
        "sex": member.get("sex_name") or "",
        "age": age_on(birth, issued_on),
        "ethnicity": member.get("ethnicity_name") or "",
        "category": member.get("category_name") or "",
        "id_number": member.get("id_number") or "",
        "from_org_name": transfer.get("from_org_name") or "",
        "to_org_name": to_name,
        "addressee": addressee,
        "dues_paid_to": dues_text,
        "dues_paid_to_capital": capital_month(dues) if dues else "",
        "valid_days": days,
        "valid_days_capital": capital_days(days) if days else "",
        "valid_until": transfer.get("valid_until") or "",
        "issued_on": issued_on.isoformat(),
        "issuer_name": issuer_name,
        "phone": transfer.get("phone") or "",
        "sender_address": transfer.get("address") or "",
        "sender_postcode": transfer.get("postcode") or "",
        "receipt_addressee": issuer_name,
        "kind_name": transfer.get("kind_name") or "",
    }
