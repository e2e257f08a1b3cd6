"""The gateway decodes kombu's typed JSON the way nameko services encode it."""
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from kombu.utils.json import dumps

from gateway.rpc import decode_kombu_types


def roundtrip(value):
    return json.loads(dumps({"result": value}), object_hook=decode_kombu_types)["result"]


def test_datetime_date_decimal_uuid_survive_the_wire():
    when = datetime(2026, 11, 27, 8, 30, tzinfo=timezone.utc)
    ident = uuid.uuid4()
    assert roundtrip(when) == when
    assert roundtrip(date(2026, 12, 31)) == date(2026, 12, 31)
    assert roundtrip(Decimal("12.50")) == Decimal("12.50")
    assert roundtrip(ident) == ident
    assert roundtrip("照片".encode()) == "照片".encode()
    assert roundtrip(b"\xff\xd8\xff") == b"\xff\xd8\xff"


def test_plain_dicts_are_left_alone():
    assert roundtrip({"__type__": "not-a-kombu-type", "x": 1}) == {"__type__": "not-a-kombu-type", "x": 1}
    assert roundtrip({"a": [1, "二"]}) == {"a": [1, "二"]}
