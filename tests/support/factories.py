"""Valid, unique test data."""
import itertools
import random
from datetime import date

from services.member.domain.id_number import check_char

_serial = itertools.count(1)
_rng = random.Random()


def id_number(birth: date = date(1985, 6, 15), female: bool | None = None) -> str:
    """A valid 18-digit ID number, unique within the test run."""
    seq = next(_serial) % 1000 or 1
    if female is not None and (seq % 2 == 0) != female:
        seq = (seq + 1) % 1000 or 2
    region = f"{_rng.randint(110000, 659999)}"
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def code(prefix: str = "T") -> str:
    return f"{prefix}{next(_serial):04d}{_rng.randint(0, 99999):05d}"


# What a card needs beyond member_data to pass 校核 (an incomplete member cannot be sent on a transfer).
COMPLETE_CARD = {"native_place": "浙江杭州", "education": "大学本科", "occupation": "专业技术人员",
                 "branch_joined_on": "2015-01-01", "phone": "13800000000", "full_on": "2011-07-01"}


def member_data(org_id: int, **overrides) -> dict:
    data = {"org_id": org_id, "name": "测试党员", "id_number": id_number(), "ethnicity": "汉族",
            "category": "正式党员", "joined_on": "2010-07-01"}
    data.update(overrides)
    return data
