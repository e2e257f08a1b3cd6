"""Org service use cases: create an organization (and the root), rename one. The organization card's
use cases are in cards.py, moves in moves.py; what they share with the read side is in store.py."""
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.shared.codes import ORG_TYPES
from services.shared.context import Caller
from services.shared.errors import NotFound, ValidationFailed, validated

from .domain.hierarchy import can_have_children
from .domain.org_card import read_version
from .domain.org_card import validate_new_card as validate_new_org
from .domain.org_fields import validate_rename
from .events import ORG_RENAMED
from .models import orgs
from .store import insert_org, load_org, require_active, require_version, save_org


def create_org(sessions: sessionmaker, caller: Caller, raw: dict) -> dict:
    data = validated(validate_new_org, raw, "党组织")
    with sessions.begin() as session:
        try:
            # Locked: a revoke of the parent, which checks for active children, waits for this.
            parent = load_org(session, data["parent_id"], lock=True)
        except NotFound:
            raise ValidationFailed("上级党组织不存在", {"parent_id": "上级党组织不存在"}) from None
        caller.require(parent.path, "上级党组织")
        if parent.status != "active":
            raise ValidationFailed(f"上级党组织“{parent.name}”已撤销，不能设立下级党组织",
                                   {"parent_id": "上级党组织已撤销"})
        if not can_have_children(parent.type):
            raise ValidationFailed(f"{ORG_TYPES.name(parent.type)}不能设立下级党组织",
                                   {"parent_id": "该组织不能设立下级党组织"})
        row = insert_org(session, caller, parent, data)
        return {"id": row.id, "path": row.path}


def ensure_root(sessions: sessionmaker, name: str, code: str) -> tuple[int, bool]:
    """Create the province's root organization on an empty database; (id, created)."""
    with sessions.begin() as session:
        session.execute(select(orgs.c.id).with_for_update().limit(1))
        existing = session.execute(select(orgs.c.id).where(orgs.c.parent_id.is_(None))).first()
        if existing:
            return existing.id, False
        row = insert_org(session, Caller.system(), None, {"code": code, "name": name, "type": "11"})
        return row.id, True


def rename_org(sessions: sessionmaker, caller: Caller, org_id, name, version=None) -> dict:
    """更名: the old name stays in the organization's history."""
    new_name = validated(lambda value: {"name": validate_rename(value)}, name, "党组织")["name"]
    read = validated(lambda value: read_version({"version": value}), version, "党组织")
    with sessions.begin() as session:
        row = load_org(session, org_id, lock=True)
        caller.require(row.path)
        require_version(row, read)
        require_active(row, "更名")
        if new_name == row.name:
            raise ValidationFailed("新名称与原名称相同", {"name": "与原名称相同"})
        row = save_org(session, caller, row, {"name": new_name}, ORG_RENAMED, "renamed",
                       [{"field": "name", "label": "党组织名称", "old": row.name, "new": new_name}])
        return {"id": row.id, "name": row.name, "version": row.version}
