"""Roles (issue 16): the built-in 系统管理员, 业务管理员 and 只读, and custom roles with rights per
module (services/shared/rights.py). A role is created by an administrator and never grants more
than its creator holds; built-in roles do not change."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, ValidationFailed
from services.shared.rights import LEVEL_LABELS, MODULES, clean_rights, exceeding, rights_problems

from .models import outbox, roles

NAME_MAX = 30


def _view(row) -> dict:
    return {"id": row.id, "name": row.name, "rights": clean_rights(row.rights), "builtin": row.builtin,
            "created_by": row.created_by}


def list_roles(sessions: sessionmaker, caller: Caller) -> dict:
    with sessions.begin() as session:
        rows = session.execute(select(roles).order_by(roles.c.builtin.desc(), roles.c.id)).all()
    return {"items": [{**_view(r), "grantable": not exceeding(caller.rights, r.rights)} for r in rows]}


def create_role(sessions: sessionmaker, caller: Caller, name, rights) -> dict:
    fields = {}
    if not isinstance(name, str) or not (1 <= len(name.strip()) <= NAME_MAX):
        fields["name"] = f"角色名称应为1到{NAME_MAX}个字符"
    fields.update(rights_problems(rights))
    if fields:
        raise ValidationFailed("角色信息有误：" + "；".join(dict.fromkeys(fields.values())), fields)
    rights = clean_rights(rights)
    if over := exceeding(caller.rights, rights):
        names = "、".join(MODULES[m] for m in over)
        raise Forbidden(f"不能授予本账号没有的权限：{names}", {"rights": "超出本账号的权限"})
    name = name.strip()
    try:
        with sessions.begin() as session:
            if session.execute(select(roles.c.id).where(roles.c.name == name)).first():
                raise _taken(name)
            row = session.execute(roles.insert().values(name=name, rights=rights, builtin=False,
                                                        created_by=caller.username or caller.user_id)
                                  .returning(*roles.c)).first()
            rights_text = "、".join(f"{MODULES[m]}（{LEVEL_LABELS.get(level, level)}）" for m, level in rights.items())
            audit.record(session, outbox, caller, org_path=caller.scope_path, entity="role", entity_id=row.id,
                         action="新建角色", lines=[{"field": "角色名称", "before": None, "after": row.name},
                                                  {"field": "权限", "before": None, "after": rights_text or "（无）"}])
    except IntegrityError:
        raise _taken(name) from None
    return _view(row)


def _taken(name: str) -> Conflict:
    return Conflict(f"角色“{name}”已存在", {"name": "角色名称已存在"})
