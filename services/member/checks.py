"""校核 read paths: one member's problems, or a subtree's members with problems, keyset page by
page (a county has hundreds of thousands of members: memory stays bounded by the page)."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.context import Caller
from services.shared.errors import ValidationFailed

from .domain.member_check import check_member
from .models import info_tables, members
from .store import load_member

CHECK_PAGE_MAX = 2000


def _checked(row, years, today) -> dict:
    return {"member_id": row.id, "name": row.name, "id_number": row.id_number, "org_id": row.org_id,
            "url": f"/members/{row.id}", "problems": check_member(row._mapping, years, today)}


def _evaluation_years(session, member_ids: list[int]) -> dict[int, list[int]]:
    table = info_tables["evaluations"]
    years: dict[int, list[int]] = {}
    for member_id, year in session.execute(select(table.c.member_id, table.c.year)
                                           .where(table.c.member_id.in_(member_ids))):
        years.setdefault(member_id, []).append(year)
    return years


def check_one(sessions: sessionmaker, caller: Caller, member_id, today: date | None = None) -> dict:
    with sessions() as session:
        row = load_member(session, member_id)
        caller.require(row.org_path, "该党员")
        return _checked(row, _evaluation_years(session, [row.id]).get(row.id, []), today or date.today())


def check_subtree(sessions: sessionmaker, caller: Caller, org: dict, after_id=0, limit=500,
                  today: date | None = None) -> dict:
    """Active members of the subtree after `after_id` (at most `limit` checked): those with
    problems, and where the next page starts (None at the end)."""
    caller.require(org["path"], "该党组织")
    try:
        after_id, limit = int(after_id), int(limit)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"after_id": "应为整数"}) from None
    if not 0 <= after_id < 2**63:
        raise ValidationFailed("起始党员编号超出范围", {"after_id": "超出范围"})
    if not 1 <= limit <= CHECK_PAGE_MAX:
        raise ValidationFailed(f"每次校核1到{CHECK_PAGE_MAX}名党员", {"limit": "超出范围"})
    today = today or date.today()
    with sessions() as session:
        rows = session.execute(
            select(members).where(members.c.org_path.startswith(org["path"], autoescape=True),
                                  members.c.status == "active", members.c.id > after_id)
            .order_by(members.c.id).limit(limit)).all()
        years = _evaluation_years(session, [row.id for row in rows])
    checked = [_checked(row, years.get(row.id, []), today) for row in rows]
    return {"checked": len(rows), "items": [item for item in checked if item["problems"]],
            "next_after_id": rows[-1].id if len(rows) == limit else None}
