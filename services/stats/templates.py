"""接收报表模板 (docs/REPORT_TEMPLATES.md): the national table set (in code) and the versions of the
province's extra tables (省表) loaded as data. Loading is for an account whose scope is the root
organization and that holds 统计报表 write; every load is a new version, and nothing is written
when the document has a problem."""
import json

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import sessionmaker

from services.shared import audit
from services.shared.context import Caller
from services.shared.errors import Forbidden, ValidationFailed, validated
from services.shared.rights import WRITE

from .domain.report_cells import table_name
from .domain.report_templates import NATIONAL_NAME, NATIONAL_VERSION, validate_template, version_label
from .domain.tables import TABLES
from .models import orgs, outbox, report_templates

ROOT_ONLY = "只有管理范围为根党组织、且有“统计报表”模块写权限的账号才能载入省表"
MAX_DOCUMENT = 200_000  # characters of the document as JSON: far more than 30 tables need


LATEST = select(report_templates).order_by(report_templates.c.version.desc()).limit(1)


def current(sessions: sessionmaker) -> dict | None:
    """The latest provincial template {version, name, tables…}, or None (national tables only)."""
    with sessions() as session:
        return template_of(session.execute(LATEST).first())


def template_of(row) -> dict | None:
    """The template LATEST read (None: none loaded, the national tables only)."""
    return None if row is None else {**row.definition, "version": row.version, "name": row.name}


def _root_path(sessions: sessionmaker) -> str:
    with sessions() as session:
        path = session.execute(select(orgs.c.path).where(orgs.c.parent_id.is_(None), orgs.c.path != "")
                               .order_by(orgs.c.id).limit(1)).scalar()
    return path or "/"


def _may_load(sessions: sessionmaker, caller: Caller) -> bool:
    return caller.has_right("stats", WRITE) and caller.covers(_root_path(sessions))


def _table_summary(table: dict) -> dict:
    return {"key": table["key"], "name": table["name"], "title": table["title"],
            "columns": len(table["columns"]), "rows": len(table["rows"])}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def list_templates(sessions: sessionmaker, caller: Caller) -> dict:
    """The national set and every provincial version, newest first (the newest is in use)."""
    with sessions() as session:
        rows = session.execute(select(report_templates).order_by(report_templates.c.version.desc())).all()
    provincial = [{"version": row.version, "name": row.name, "loaded_at": _iso(row.loaded_at),
                   "loaded_by_name": row.loaded_by_name, "current": index == 0,
                   "tables": [_table_summary(t) for t in row.definition["tables"]], "definition": row.definition}
                  for index, row in enumerate(rows)]
    in_use = {**rows[0].definition, "name": rows[0].name, "version": rows[0].version} if rows else None
    return {"national": {"name": NATIONAL_NAME, "version": NATIONAL_VERSION, "tables": [
                {"key": t.key, "name": table_name({"key": t.key, "title": t.title}), "title": t.title,
                 "columns": len(t.columns), "rows": len(t.rows)} for t in TABLES]},
            "provincial": provincial, "in_use": version_label(in_use), "may_load": _may_load(sessions, caller)}


def _size(document) -> int:
    return len(json.dumps(document, ensure_ascii=False, default=str))


def load(sessions: sessionmaker, caller: Caller, document) -> dict:
    """A new provincial version from `document` (validated in full first); reports made before
    keep the version they were made with."""
    if not _may_load(sessions, caller):
        raise Forbidden(ROOT_ONLY)
    if _size(document) > MAX_DOCUMENT:
        raise ValidationFailed(f"模板过大（超过{MAX_DOCUMENT}个字符）", {"模板": "过大"})
    template = validated(validate_template, document, "省表模板")
    with sessions.begin() as session:
        # One load at a time: versions are consecutive and never reused.
        session.execute(text("LOCK TABLE stats.report_templates IN EXCLUSIVE MODE"))
        version = (session.execute(select(func.max(report_templates.c.version))).scalar() or 0) + 1
        session.execute(insert(report_templates).values(
            version=version, name=template["name"], definition=template, loaded_by=caller.user_id,
            loaded_by_name=caller.username or caller.user_id))
        audit.record(session, outbox, caller, org_path=caller.scope_path, entity="report_template",
                     entity_id=version, action="载入省表模板", lines=[
                         {"field": "模板名称", "before": None, "after": template["name"]},
                         {"field": "版本", "before": None, "after": str(version)},
                         {"field": "表", "before": None,
                          "after": "、".join(f"{t['name']} {t['title']}" for t in template["tables"]) or "（无省表）"}])
    return {"version": version, "name": template["name"], "tables": [_table_summary(t) for t in template["tables"]],
            "in_use": version_label({**template, "version": version})}
