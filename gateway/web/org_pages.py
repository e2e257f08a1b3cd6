"""The home page (with the transfer counts of the account's subtree), organization pages
(card, tree, children, members, forms), search, import and supervision."""
import asyncio

from starlette.requests import Request

from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES, ORG_TYPES

from ..api.common import call, call_if, children_with_counts, history_flag, path_id
from ..api.supervision import LISTS as SUPERVISION_LISTS
from ..api.supervision import supervision_list
from ..auth import Session, require_session
from ..errors import as_http_error
from ..rpc import RemoteError
from .rendering import render, submit_form

READ_DAILY = ("daily", "read")


async def home(request: Request):
    """The account's own organization, with its reminders (not its sub-organizations')."""
    session = await require_session(request)
    (root, reminders, transfer_counts, mobility_counts, development_due, orglife_due,
     dues_counts, remittance_due, terms_due) = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        # Each part only for a role that may read its module (None: left out).
        call_if(request, session, READ_DAILY, "member", "reminders", org_id=session.org_id),
        call_if(request, session, ("transfer", "read"), "transfer", "counts", org_id=session.org_id),
        call_if(request, session, ("mobility", "read"), "transfer", "mobility_counts", org_id=session.org_id),
        call_if(request, session, ("development", "read"), "member", "development_due", org_id=session.org_id,
                size=10),  # 发展党员, subtree
        call_if(request, session, ("orglife", "read"), "org", "orglife_due", org_id=session.org_id),  # subtree
        call_if(request, session, ("dues", "read"), "dues", "arrears_counts", org_id=session.org_id),  # 欠交党费
        call_if(request, session, ("dues", "read"), "dues", "remittance_due",
                org_id=session.org_id),  # 上缴: own and direct subordinates
        call_if(request, session, ("terms", "read"), "org", "terms_reminder",
                org_id=session.org_id))  # 换届: own 30 days, below 6 months
    return render(request, "home.html", session=session, root=root, org=root, reminders=reminders,
                  transfer_counts=transfer_counts, mobility_counts=mobility_counts, development_due=development_due,
                  orglife_due=orglife_due, dues_counts=dues_counts, remittance_due=remittance_due,
                  terms_due=terms_due)


async def org_context(request: Request, session: Session, org_id: int) -> dict:
    org = await call(request, session, "org", "get_org", org_id=org_id)  # first: 404/403 before the rest
    page = request.query_params.get("page", "1")
    history = history_flag(request)
    revoked_children = request.query_params.get("orgs") == "history"  # 历史 (revoked) sub-organizations
    children, stats, members, root, fields, latest_meeting, committee = await asyncio.gather(
        children_with_counts(request, session, org_id, revoked_children),
        call_if(request, session, ("stats", "read"), "stats", "subtree_stats", org_id=org_id),
        call_if(request, session, READ_DAILY, "member", "list_members", org_id=org_id, page=page, size=20,
                history=history),
        call(request, session, "org", "get_org", org_id=session.org_id),
        call(request, session, "org", "card_fields"),
        call_if(request, session, ("orglife", "read"), "org", "latest_meeting", org_id=org_id),
        # 换届: the open term, read-only here
        call_if(request, session, ("terms", "read"), "org", "org_committee", org_id=org_id),
    )
    return dict(org=org, children=children, stats=stats["members"] if stats else None, members=members, root=root,
                history=history,
                latest_meeting=latest_meeting, committee=committee,
                org_types=ORG_TYPES.items(), ethnicities=ETHNICITIES.items(), revoked_children=revoked_children,
                categories=MEMBER_CATEGORIES.items(), sexes={"1": "男", "2": "女"}, fields=fields)


async def org_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    return render(request, "org.html", session=session, **await org_context(request, session, org_id))


async def tree_children(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    children = await children_with_counts(request, session, org_id)
    return render(request, "_tree_children.html", session=session, children=children)


async def _form_action(request: Request, org_id: int, service: str, method: str, data, form_name: str,
                       success_url):
    """A form on the organization page."""

    async def rerender(session, form, error):
        context = await org_context(request, session, org_id)
        return render(request, "org.html", status=error.status, session=session, form_error=error,
                      open_form=form_name, form_values=form, **context)

    return await submit_form(request, lambda session, form: call(request, session, service, method, data=data(form)),
                             rerender, success_url)


async def create_child_org(request: Request):
    org_id = path_id(request)
    return await _form_action(
        request, org_id, "org", "create_org",
        lambda f: {"name": f.get("name", ""), "code": f.get("code", ""), "type": f.get("type", ""),
                   "parent_id": org_id,
                   # The card's norm-required items, when the form offers them.
                   **{key: f[key] for key in ("affiliation", "established_on", "contact_person", "contact_phone")
                      if key in f}},
        "org", lambda created: f"/orgs/{created['id']}")


async def create_member(request: Request):
    org_id = path_id(request)
    return await _form_action(
        request, org_id, "member", "create_member",
        lambda f: {"org_id": org_id, "name": f.get("name", ""), "id_number": f.get("id_number", ""),
                   "ethnicity": f.get("ethnicity", ""), "category": f.get("category", ""),
                   "joined_on": f.get("joined_on", "")},
        "member", lambda created: f"/members/{created['id']}")


async def search_page(request: Request):
    session = await require_session(request)
    q = request.query_params.get("q", "")
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    results, error, org_names = None, None, {}
    if q.strip():
        try:
            results = await call(request, session, "member", "quick_search", q=q,
                                 page=request.query_params.get("page", "1"), size=20)
        except RemoteError as exc:
            error = as_http_error(exc)
    if results and results["items"]:  # 姓名 and 所在党组织 tell two people of one name apart
        org_names = await call(request, session, "org", "org_names",
                               org_ids=sorted({m["org_id"] for m in results["items"]}))
    return render(request, "search.html", session=session, root=root, q=q, results=results, error=error,
                  org_names=org_names)


async def import_page(request: Request):
    session = await require_session(request)
    org = await call(request, session, "org", "get_org", org_id=path_id(request))
    root = await call(request, session, "org", "get_org", org_id=session.org_id)
    return render(request, "import.html", session=session, root=root, org=org)


async def supervision_page(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    # Only the lists of modules the account's role may read (each list is one module's RPC).
    shown = [name for name, (service, method, *_) in SUPERVISION_LISTS.items() if session.may_call(service, method)]
    root, overdue, remittance_due, *lists = await asyncio.gather(
        call(request, session, "org", "get_org", org_id=session.org_id),
        call_if(request, session, ("development", "read"), "member", "overdue_probation", org_id=org_id,
                page=request.query_params.get("page", "1"), size=50),
        # the 上缴 reminder of the home page (the last quarter over), the subordinates behind
        call_if(request, session, ("dues", "read"), "dues", "remittance_due", org_id=org_id),
        *[supervision_list(request, name, org_id, request.query_params.get(f"{name}-page", "1"), 20)
          for name in shown])
    return render(request, "supervision.html", session=session, root=root, org=org, overdue=overdue,
                  remittance_due=remittance_due,
                  lists=[(name, SUPERVISION_LISTS[name][2], result) for name, result in zip(shown, lists)])
