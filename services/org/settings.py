"""系统设置 (docs/SETTINGS.md): the settings of an organization — what applies there, where each value
comes from (set here, inherited from an organization above, or the code default) — changing them
(validated as a whole, audited, every change kept in `setting_changes`), their history, and the
effective values other services and the 换届 reminders read. The rules are services/shared/settings.py's."""
from datetime import datetime, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared import settings as rules
from services.shared.context import Caller
from services.shared.errors import ValidationFailed
from services.shared.messaging.outbox import record_event
from services.shared.paging import page_bounds
from services.shared.paths import path_ids

from .domain.lockout import CHINA_TIME
from .events import REPORT_DATE_CHANGED
from .models import orgs, outbox, setting_changes, setting_values
from .store import load_org

ABOVE_SCOPE = "上级党组织"  # an organization above the caller's scope is not named (as in breadcrumbs)
ROOT_ONLY = "统计报告期截止日全系统统一（各级报表逐级汇总，须同一报告期），只能在最上级党组织设置"


def effective(session: Session, org) -> dict[str, rules.Effective]:
    """The effective settings at `org` (a row with id and path): one indexed read of the values set
    at the organizations of its path."""
    ids = path_ids(org.path) or [org.id]
    rows = session.execute(select(setting_values.c.org_id, setting_values.c.key, setting_values.c.value)
                           .where(setting_values.c.org_id.in_(ids))).all()
    return rules.resolve(org.path, [(r.org_id, r.key, r.value) for r in rows])


def effective_value(session: Session, org, key: str):
    return effective(session, org)[key].value


def _visible_ids(caller: Caller, org) -> list[int]:
    """The organizations of `org`'s path the caller may see: its scope's own organization and below."""
    ids, scope = path_ids(org.path), path_ids(caller.scope_path)
    return ids[len(scope) - 1:] if scope else ids


def _names(session: Session, ids) -> dict[int, str]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return dict(session.execute(select(orgs.c.id, orgs.c.name).where(orgs.c.id.in_(ids))).all())


def _view(session: Session, caller: Caller, org) -> dict:
    found = effective(session, org)
    visible = set(_visible_ids(caller, org))
    names = _names(session, [e.set_at for e in found.values()])
    items = []
    for key, setting in rules.SETTINGS.items():
        value = found[key]
        where = None
        if value.set_at is not None:
            where = ({"id": value.set_at, "name": names.get(value.set_at, "")} if value.set_at in visible
                     else {"id": None, "name": ABOVE_SCOPE})
        items.append({"key": key, "name": setting.name, "value": value.value, "default": setting.default,
                      "unit": setting.unit, "kind": setting.kind, "note": setting.note,
                      "min": setting.min if setting.kind == "days" else None,
                      "max": setting.max if setting.kind == "days" else None,
                      "set_at_org": where, "set_here": value.set_at == org.id,
                      "shown": rules.shown(key, value.value)})
    return {"org_id": org.id, "org_name": org.name, "items": items}


def org_settings(sessions: sessionmaker, caller: Caller, org_id) -> dict:
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        return _view(session, caller, org)


def effective_settings(sessions: sessionmaker, caller: Caller, org_id) -> dict:
    """{key: value} in force at the organization: what the member service's reminders read."""
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        return {key: found.value for key, found in effective(session, org).items()}


def set_org_settings(sessions: sessionmaker, caller: Caller, org_id, data) -> dict:
    """Set (or, with null, unset: 恢复继承) settings at the organization for its subtree. Every value
    is checked before anything is written; a change is one 操作日志 entry and one history line per
    setting that changed (an unchanged value writes nothing)."""
    try:
        parsed = rules.parse_changes(data)
    except rules.SettingProblems as problems:
        raise ValidationFailed(f"系统设置有误：{problems}", problems.fields) from None
    who = caller.username or caller.user_id
    with sessions.begin() as session:
        org = load_org(session, org_id, lock=True)  # two changes at once: one after the other
        caller.require(org.path)
        if parsed.get(rules.ROOT_ONLY_KEY) is not None and org.parent_id is not None:  # unset: nothing to refuse
            raise ValidationFailed(f"系统设置有误：{rules.SETTINGS[rules.ROOT_ONLY_KEY].name}：{ROOT_ONLY}",
                                   {rules.ROOT_ONLY_KEY: ROOT_ONLY})
        now = datetime.now(timezone.utc)  # read under the lock, so the history's order is the changes' order
        own = dict(session.execute(select(setting_values.c.key, setting_values.c.value).where(
            setting_values.c.org_id == org.id, setting_values.c.key.in_(sorted(parsed)))).all())
        lines = []
        for key, new in parsed.items():
            old = own.get(key)
            if old == new:
                continue
            if new is None:
                session.execute(delete(setting_values).where(setting_values.c.org_id == org.id,
                                                             setting_values.c.key == key))
            else:
                values = {"value": new, "updated_by": who, "updated_at": now}
                session.execute(insert(setting_values).values(org_id=org.id, key=key, **values)
                                .on_conflict_do_update(index_elements=[setting_values.c.org_id, setting_values.c.key],
                                                       set_=values))
            change_id = session.execute(setting_changes.insert().values(
                org_id=org.id, key=key, old_value=old, new_value=new, account_id=caller.user_id,
                username=caller.username, at=now).returning(setting_changes.c.id)).scalar_one()
            if key == rules.ROOT_ONLY_KEY:
                # The stats service counts by it (every counter recounted): the change's id orders the events.
                record_event(session, outbox, REPORT_DATE_CHANGED, "report_date", change_id,
                             {"org_id": org.id, "report_date": new or rules.SETTINGS[key].default}, caller)
            lines.append({"field": rules.SETTINGS[key].name, "before": _audit_text(key, old),
                          "after": _audit_text(key, new)})
        if lines:
            audit.record(session, outbox, caller, org_path=org.path, entity="settings", entity_id=org.id,
                         action="系统设置", lines=lines)
        return _view(session, caller, org)


def announce_report_date(sessions: sessionmaker) -> bool:
    """The root's report date once more as report_date_changed, under its last change's id (at every
    start: bootstrap). The stats service ignores a version it has seen; a deployment that set the
    date before the statistics read it (issue 17) gets it counted. False when the root never set it."""
    with sessions.begin() as session:
        root_ids = select(orgs.c.id).where(orgs.c.parent_id.is_(None))
        last = session.execute(select(setting_changes.c.id, setting_changes.c.org_id).where(
            setting_changes.c.key == rules.ROOT_ONLY_KEY, setting_changes.c.org_id.in_(root_ids))
            .order_by(setting_changes.c.id.desc()).limit(1)).first()
        if last is None:
            return False
        value = session.execute(select(setting_values.c.value).where(
            setting_values.c.org_id == last.org_id, setting_values.c.key == rules.ROOT_ONLY_KEY)).scalar()
        record_event(session, outbox, REPORT_DATE_CHANGED, "report_date", last.id,
                     {"org_id": last.org_id, "report_date": value or rules.SETTINGS[rules.ROOT_ONLY_KEY].default},
                     Caller.system("bootstrap"))
        return True


def _audit_text(key: str, value) -> str:
    return rules.shown(key, value) if value is not None else "未设置（继承上级或缺省）"


def settings_history(sessions: sessionmaker, caller: Caller, org_id, page=1, size=50) -> dict:
    """Every change of the values that apply at the organization: made there, or at an organization
    above it within the caller's scope; newest first."""
    page, size = page_bounds(page, size)
    with sessions() as session:
        org = load_org(session, org_id)
        caller.require(org.path)
        where = setting_changes.c.org_id.in_(_visible_ids(caller, org) or [org.id])
        total = session.execute(select(func.count()).select_from(setting_changes).where(where)).scalar_one()
        rows = session.execute(select(setting_changes).where(where)
                               .order_by(setting_changes.c.at.desc(), setting_changes.c.id.desc())
                               .limit(size).offset((page - 1) * size)).all()
        names = _names(session, [r.org_id for r in rows])
    return {"org_id": org.id, "total": total, "page": page, "size": size, "items": [
        {"id": r.id, "at": r.at.astimezone(CHINA_TIME).isoformat(), "org_id": r.org_id,
         "org_name": names.get(r.org_id, "（已删除）"),
         "key": r.key, "name": rules.SETTINGS[r.key].name if r.key in rules.SETTINGS else r.key,
         "before": r.old_value, "after": r.new_value, "before_shown": _audit_text(r.key, r.old_value),
         "after_shown": _audit_text(r.key, r.new_value), "username": r.username or r.account_id}
        for r in rows]}
