"""线下转入 (非建库): a county-level organization department keys in a person who arrived with a
paper letter, routed to the receiving branch (docs/TRANSFERS.md). One RPC; the transfer service
asks the member service to check the member form first."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.transfer.contract import FROM_KINDS, TRANSFER_REASONS

from ..auth import require_session
from ..errors import HttpError
from .common import call, check_types, read_json
from .members import MEMBER_IN, MEMBER_TYPES
from .spec import obj, op

INBOUND_TYPES = {"to_org_id": int, "letter_no": str, "from_kind": str, "from_text": str, "dues_paid_to": str,
                 "reason": (str, int), "member": dict}


async def key_in(request: Request):
    session = await require_session(request)
    data = await read_json(request)
    check_types(data, INBOUND_TYPES)
    if isinstance(data.get("member"), dict):
        try:
            check_types(data["member"], MEMBER_TYPES)
        except HttpError as error:  # named as in the request
            raise HttpError(400, "validation", error.message,
                            {f"member.{key}": text for key, text in (error.fields or {}).items()}) from None
    return JSONResponse(await call(request, session, "transfer", "inbound", data=data), status_code=201)


routes = [Route("/transfers/inbound", key_in, methods=["POST"])]

INBOUND_MEMBER = {**MEMBER_IN, "required": [key for key in MEMBER_IN["required"] if key != "org_id"],
                  "properties": {key: value for key, value in MEMBER_IN["properties"].items()
                                 if key not in ("org_id", "branch_joined_on")},
                  "description": "党员信息，同新增党员（所在党组织为接收党组织，进入支部日期为接收日期）"}
INBOUND_IN = obj(
    ["to_org_id", "letter_no", "from_kind", "from_text", "member"],
    to_org_id={"type": "integer", "description": "接收党组织（本账号管理范围内，选到党支部或接收的党委）"},
    letter_no={"type": "string", "maxLength": 50, "description": "纸质介绍信编号"},
    from_kind={"type": "string", "enum": FROM_KINDS.codes(),
               "description": "转入来源（年报按此统计转入类别）：" + "；".join(
                   f"{c} {n}" for c, n in FROM_KINDS.items())},
    from_text={"type": "string", "maxLength": 200, "description": "开具介绍信的党组织（原所在党组织）"},
    dues_paid_to={"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "介绍信上的党费交至年月"},
    reason={"type": "string", "enum": TRANSFER_REASONS.codes() + TRANSFER_REASONS.names(),
            "description": "转接原因，默认 99 其他"},
    member=INBOUND_MEMBER)
OPENAPI_PATHS = {"/transfers/inbound": {"post": op(
    "线下转入（非建库）：录入持纸质介绍信转入的党员，送接收党组织接收；接收时建立党员信息", "已录入的转接",
    {"$ref": "#/components/schemas/Transfer"}, INBOUND_IN, status="201")}}
