"""Whether a member is in transit (转出中: a transfer applied, not yet received or ended), read
from what the transfer events left (services/member/transfers.py), for the card and the
commands a transfer in flight forbids."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.shared.errors import Conflict
from services.shared.paths import path_ids

from .domain.transfers import IN_TRANSIT
from .models import transfers


def in_transit(session: Session, row) -> dict | None:
    """{"transfer_id", "whole_org"} of the transfer the member (`row`: id, org_path) is in, or
    None: their own, or a 整建制转移 of their organization or one above it."""
    transfer_id = session.execute(select(transfers.c.transfer_id).where(
        transfers.c.member_id == row.id, transfers.c.state == IN_TRANSIT).limit(1)).scalar()
    if transfer_id is not None:
        return {"transfer_id": transfer_id, "whole_org": False}
    transfer_id = session.execute(select(transfers.c.transfer_id).where(
        transfers.c.state == IN_TRANSIT, transfers.c.org_id.in_(path_ids(row.org_path))).limit(1)).scalar()
    return None if transfer_id is None else {"transfer_id": transfer_id, "whole_org": True}


def in_transit_of(session: Session, rows) -> dict[int, dict]:
    """in_transit of many members at once (rows: id, org_path): {member id: {"transfer_id", "whole_org"}}
    for those in transit, in two queries whatever their number."""
    transits = {}
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 1000):
        transits.update({member_id: {"transfer_id": transfer_id, "whole_org": False}
                         for member_id, transfer_id in session.execute(
                             select(transfers.c.member_id, transfers.c.transfer_id).where(
                                 transfers.c.member_id.in_(ids[start:start + 1000]),
                                 transfers.c.state == IN_TRANSIT))})
    whole = dict(session.execute(select(transfers.c.org_id, transfers.c.transfer_id).where(
        transfers.c.state == IN_TRANSIT, transfers.c.org_id.is_not(None))).all()) if rows else {}
    for row in rows:
        if row.id not in transits:
            moving = next((whole[org_id] for org_id in path_ids(row.org_path) if org_id in whole), None)
            if moving is not None:
                transits[row.id] = {"transfer_id": moving, "whole_org": True}
    return transits


def refuse_org_change(session: Session, row, raw) -> None:
    """A card edit naming another organization while the member is in transit is a conflict
    with the transfer (409), not only a field the card cannot set."""
    if not (isinstance(raw, dict) and "org_id" in raw):
        return
    transit = in_transit(session, row)
    if transit and transit["whole_org"]:
        raise Conflict(f"该党员所在党组织正在办理整建制转移（转接编号{transit['transfer_id']}），"
                       "党员随组织转移，不能修改所在党组织")
    if transit:
        raise Conflict("该党员正在办理组织关系转接（转出中），不能修改所在党组织")
