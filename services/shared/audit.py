"""操作日志 (audit): every write records one `audit_recorded` event in its own transaction, through
the service's outbox (house rule 2), so a change and its log entry commit or vanish together; the
org service keeps them in its append-only `audit_entries` (services/org/audit.py, docs/AUDIT.md).

A command calls `record(session, outbox, caller, …)` with the entity's before and after values and a
field-name map; `changes` turns them into [{field, before, after}] as people read them: Chinese
field names, code tables' names instead of codes, ISO dates. Pure apart from `record`.
"""
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from nameko.extensions import DependencyProvider
from sqlalchemy import Table
from sqlalchemy.orm import Session

from .codes import CodeTable
from .context import Caller
from .messaging.outbox import record_event

AUDIT_RECORDED = "audit_recorded"
EMITS = {AUDIT_RECORDED: "操作日志: one write's who/when/where/what with each field before → after, as people "
                         "read them (docs/AUDIT.md); the org service keeps it"}
YES_NO = {True: "是", False: "否"}
# The kinds of entity an entry is about, with their names (the search's filter, the page's list).
ENTITY_NAMES = {
    "member": "党员", "org": "党组织", "account": "账号", "role": "角色", "transfer": "组织关系转接",
    "approval_rights": "转接审批权限", "code_entry": "代码表", "outflow": "流出党员", "inflow": "流入党员",
    "dues_payment": "党费缴纳", "dues_base": "党费基数", "dues_exemption": "党费减免", "dues_settings": "党费设置",
    "dues_remittance": "党费上缴", "dues_large_remittance": "大额党费上缴", "dues_inflow_payment": "流入党员党费",
    "report_template": "报表模板",  # 省表 versions (docs/REPORT_TEMPLATES.md)
    "meeting": "组织生活", "orglife_plan": "组织生活计划", "attachment": "组织生活附件", "term": "换届",
    "applicant": "入党申请人", "development_plan": "发展计划", "saved_query": "固定查询", "member_batch": "批量修改",
    "member_batch_add": "批量添加",
    "report": "统计报表", "settings": "系统设置", "statistics": "统计数据",
}


def readable(value, table: CodeTable | Mapping | None = None):
    """A value as a person reads it: a code's name, a date's ISO text, 是/否, money as text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return YES_NO[value]
    if table is not None:
        key = str(value)
        if isinstance(table, CodeTable):
            return table.name(key) if key in table else key
        return table.get(key, table.get(value, key))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple)):
        return "、".join(str(readable(v)) for v in value)
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def changes(before: Mapping | None, after: Mapping | None, labels: Mapping[str, str],
            tables: Mapping[str, CodeTable | Mapping] | None = None) -> list[dict]:
    """[{field, before, after}] of the fields of `labels` (in its order) whose readable values differ;
    `before` None: a creation, `after` None: a removal. Fields not in `labels` are not a person's
    (versions, timestamps, paths) and never appear."""
    before, after, tables = before or {}, after or {}, tables or {}
    found = []
    for key, label in labels.items():
        old = readable(before.get(key), tables.get(key))
        new = readable(after.get(key), tables.get(key))
        if old != new:
            found.append({"field": label, "before": old, "after": new})
    return found


def payload(caller: Caller, *, org_path: str, entity: str, entity_id, action: str, changes: list[dict],
            account: dict | None = None, at: str | None = None) -> dict:
    """The event's payload. `account`: who acted when it is not the caller (a login has no caller)."""
    who = account or {"user_id": caller.user_id, "username": caller.username}
    return {"at": at or datetime.now().astimezone().isoformat(), "account": who,
            "ip": getattr(caller, "ip", "") or "", "request_id": caller.request_id, "org_path": org_path or "/",
            "entity": entity, "entity_id": None if entity_id is None else str(entity_id), "action": action,
            "changes": changes}


def event(outbox: Table, caller: Caller, *, org_path: str, entity: str, entity_id, action: str,
          before: Mapping | None = None, after: Mapping | None = None, labels: Mapping[str, str] | None = None,
          tables: Mapping | None = None, lines: list[dict] | None = None, account: dict | None = None) -> tuple:
    """One audit entry as an outbox event tuple (outbox.record_events' form), for a command that
    writes many rows at once (an import) and records their events in bulk; `record` writes one."""
    found = list(lines or []) + (changes(before, after, labels, tables) if labels else [])
    body = payload(caller, org_path=org_path, entity=entity, entity_id=entity_id, action=action, changes=found,
                   account=account)
    body["source"] = outbox.schema  # the service: each keeps its outbox in its own schema
    # Its own aggregate ("audit:member:42"): the entity's events keep theirs to themselves.
    return AUDIT_RECORDED, f"audit:{entity}:{body['entity_id'] or '-'}", 1, body


def record(session: Session, outbox: Table, caller: Caller, **what) -> dict:
    """One audit entry, written to `outbox` in the caller's transaction (`session`). Either the
    entity's `before`/`after` values with `labels` (and code `tables`), or ready `lines` (`event`'s
    keywords)."""
    event_type, aggregate, version, body = event(outbox, caller, **what)
    return record_event(session, outbox, event_type, aggregate, version, body, caller)


class ContextData(DependencyProvider):
    """The worker's context data as the gateway sent it (request_id, ip …) for entrypoints that
    run before there is a caller (a login)."""

    def get_dependency(self, worker_ctx):
        return dict(worker_ctx.context_data or {})
