"""A request body with an argument already encoded as JSON is the body json.dumps would make."""
import json
from datetime import date

from gateway.rpc import EncodedJson, request_body


def test_encoded_arguments_are_spliced_in_unchanged():
    rows = [{"row": 2, "name": "张三"}, {"row": 3, "name": "李四"}]
    body = request_body({"rows": EncodedJson(json.dumps(rows, ensure_ascii=False).encode()), "when": date(2026, 1, 2),
                         "flag": True})
    assert json.loads(body) == {"args": [], "kwargs": {"rows": rows, "when": "2026-01-02", "flag": True}}
    assert json.loads(request_body({})) == {"args": [], "kwargs": {}}
