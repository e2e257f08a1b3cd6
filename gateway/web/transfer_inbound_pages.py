"""线下转入 page (/orgs/{id}/transfers/inbound): the paper letter's number and sender, the member
form's fields (the partial of 新增党员), the target found by the 发起 form's search; the transfer
service keys it in (the member service's rules check the member first) and its page follows."""
from datetime import date

from starlette.requests import Request

from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES
from services.transfer.contract import FROM_KINDS

from ..api.common import call, path_id
from ..auth import require_session
from .rendering import render
from .transfer_pages import submit_new_transfer

LETTER_FIELDS = ("letter_no", "from_kind", "from_text", "dues_paid_to")
MEMBER_FIELDS = ("name", "id_number", "ethnicity", "category", "joined_on", "native_place", "phone")
MEMBER_PREFIX = "member."


def inbound_data(form: dict) -> dict:
    """The form as the transfer service takes it (blanks left out)."""
    data = {key: form[key].strip() for key in LETTER_FIELDS if form.get(key, "").strip()}
    data["member"] = {key: form[key].strip() for key in MEMBER_FIELDS if form.get(key, "").strip()}
    to_org_id = form.get("to_org_id", "").strip()
    if to_org_id:
        data["to_org_id"] = int(to_org_id) if to_org_id.isdigit() else to_org_id
    return data


async def _form(request: Request, session, org_id: int, values: dict, status: int = 200, error=None):
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    target = None
    if str(values.get("to_org_id", "")).isdigit():
        target_id = int(values["to_org_id"])
        target = {"id": target_id, "name": values.get(f"to_org_name_{target_id}", "")}
    if error is not None:  # the member's fields are named member.x by the service, x on this form
        error.fields = {key.removeprefix(MEMBER_PREFIX): text for key, text in (error.fields or {}).items()}
    return render(request, "transfer_inbound.html", status=status, session=session, org=org, root=root, v=values,
                  target=target, form_error=error, open_form="inbound", from_kinds=FROM_KINDS.items(),
                  ethnicities=ETHNICITIES.items(), categories=MEMBER_CATEGORIES.items(),
                  this_month=date.today().strftime("%Y-%m"))


async def inbound_page(request: Request):
    session = await require_session(request)
    return await _form(request, session, path_id(request), {})


async def key_in(request: Request):
    return await submit_new_transfer(request, _form, "inbound", inbound_data, "已录入线下转入")
