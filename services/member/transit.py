"""Whether a member is in transit (转出中: a transfer applied, not yet received or ended), read
from what the transfer events left (services/member/transfers.py), for the card and the
commands a transfer in flight forbids."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.shared.errors import Conflict

from .domain.transfers import IN_TRANSIT
from .models import transfers


def in_transit(session: Session, member_id: int) -> dict | None:
    """{"transfer_id"} of the transfer the member is in, or None."""
    transfer_id = session.execute(select(transfers.c.transfer_id).where(
        transfers.c.member_id == member_id, transfers.c.state == IN_TRANSIT).limit(1)).scalar()
    return None if transfer_id is None else {"transfer_id": transfer_id}


def refuse_org_change(session: Session, row, raw) -> None:
    """A card edit naming another organization while the member is in transit is a conflict
    with the transfer (409), not only a field the card cannot set."""
    if isinstance(raw, dict) and "org_id" in raw and in_transit(session, row.id):
        raise Conflict("该党员正在办理组织关系转接（转出中），不能修改所在党组织")
