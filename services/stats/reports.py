"""Report work (统计报表): 直统, 汇总, 录改, 报表说明, 校核, 比对, 上报 and the parent's
接收/退回, over the stored report of an organization and year.

A report is a snapshot: once generated, the counters may move on (a change keyed later) without
changing it; next year's report starts from its year end, so the change shows there as a
difference to be explained. Every change to a report is kept in its history.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session, sessionmaker

from services.shared import audit
from services.shared.codes import ORG_TYPES
from services.shared.context import Caller
from services.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed, validated
from services.shared.field_errors import RuleViolation
from services.shared.field_rules import blank, record_id, text
from services.shared.pipelined import read_together
from services.shared.report_years import FIRST_YEAR, report_year
from services.shared.sheet_imports import unpacked_rows
from services.shared.versions import require_version

from . import period
from .domain import report_import
from .domain.report_cells import (
    apply_correction,
    carry_forward,
    cell_ref,
    explanation,
    table_name,
    totals,
    undoing,
    validate_correction,
)
from .domain.report_checks import check
from .domain.report_compare import compare
from .domain.report_cover import COVER_FIELDS, validate_cover
from .domain.report_sum import sum_reports
from .domain.report_templates import evaluate_template, settle, version_label
from .domain.report_usage import usage, validate_filters
from .domain.tables import T1 as TABLE_1
from .domain.tables import Figures, evaluate, evaluate_all, figures, older_students
from .models import orgs, outbox, report_history, reports
from .store import counted_rows, counter_reads, org_key, org_node, org_rows, path_read, snapshot
from .templates import LATEST as LATEST_TEMPLATE
from .templates import current as current_template
from .templates import template_of

STATUS_NAMES = {"none": "未生成", "draft": "草稿", "submitted": "已上报", "accepted": "已接收", "returned": "已退回",
                "imported": "已导入"}
SOURCE_NAMES = {"direct": "直统", "aggregated": "汇总", "imported": "导入"}
EDITABLE = ("draft", "returned")
# What the parent's 汇总 takes and next year starts from. An imported report (导入上年报表: the
# official system's figures of the year before an organization starts in PMIS) is final as it comes.
FINAL = ("submitted", "accepted", "imported")
MADE_IN_PMIS = ("direct", "aggregated")
MAX_COMMENT = 500
NAMES_PAGE = 2000  # organizations named per org_names call (报表使用情况)
HISTORY_NAMES = {"generated": "直统生成", "aggregated": "汇总生成", "corrected": "录改", "explained": "报表说明",
                 "correction_undone": "撤销录改", "covered": "填写封面", "submitted": "上报", "accepted": "接收",
                 "returned": "退回", "imported": "导入上年报表"}

# 操作日志 (docs/AUDIT.md): each change of a report is one entry, named as people say it.
AUDIT_ACTIONS = {"generated": "直统生成报表", "aggregated": "汇总生成报表", "corrected": "录改报表",
                 "correction_undone": "撤销录改", "explained": "填写报表说明", "covered": "填写报表封面",
                 "submitted": "上报报表", "accepted": "接收报表", "returned": "退回报表", "imported": "导入上年报表"}
TOTAL_LABELS = {"year_start_total": "上年底党员总数", "year_end_total": "本年底实有党员数"}
GENERATED_LABELS = {**TOTAL_LABELS, "template_version": "报表模板"}


def audit_lines(row, kind: str, detail: dict, values: dict) -> list[dict]:
    """A report's change as 操作日志 lines: the year, then what changed (a cell's label and values,
    the totals, the explanation, the cover's fields, the status and the parent's comment)."""
    lines = [{"field": "年度", "before": None, "after": str(row.year)}]
    if kind in ("corrected", "correction_undone"):
        lines.append({"field": detail.get("label") or "单元格", "before": detail.get("old"),
                      "after": detail.get("new")})
        if detail.get("reason"):
            lines.append({"field": "录改原因", "before": None, "after": detail["reason"]})
    if kind in ("generated", "aggregated", "imported"):
        lines += audit.changes(None, detail, GENERATED_LABELS)
    if kind == "imported":
        lines.append({"field": "导入的表", "before": None, "after": "、".join(detail.get("tables", [])) or "（无）"})
    if kind == "aggregated":
        lines.append({"field": "汇总的下级报表", "before": None,
                      "after": "、".join(c["name"] for c in detail.get("included", [])) or "（无）"})
    if kind == "explained":
        lines += audit.changes({"text": row.explanation}, {"text": values.get("explanation")}, {"text": "报表说明"})
    if kind == "covered":
        lines += audit.changes(row.cover or {}, values.get("cover") or {}, COVER_FIELDS)
    if values.get("status") and values["status"] != row.status:
        lines += audit.changes({"status": row.status}, {"status": values["status"]}, {"status": "状态"},
                               {"status": STATUS_NAMES})
    if detail.get("comment"):
        lines.append({"field": "意见", "before": None, "after": detail["comment"]})
    return lines


def parent_path(path: str) -> str | None:
    """"/1/5/23/" → "/1/5/"; None for the root."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else None


def named(tables: list) -> list:
    return [{**table, "name": table_name(table)} for table in tables]


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _made_in_pmis(row) -> bool:
    """A stored report generated or summed in PMIS (an imported one may be imported again)."""
    return row is not None and row.source in MADE_IN_PMIS


@dataclass
class ReportDesk:
    """Report work for one caller. `org_lookup(org_id)` and `children(org_id)` ask the org
    service (which checks the caller's scope too)."""
    sessions: sessionmaker
    caller: Caller
    org_lookup: Callable
    children: Callable
    # Starts the org service's children call and gives what returns its answer: a report's view asks
    # early and reads its own tables meanwhile (under load, a round trip's wait is most of it).
    children_started: Callable
    read: dict = field(default_factory=dict)  # rows read from the counters during this call
    figured: dict = field(default_factory=dict)  # figures made from them, by (org, scope, year)
    paths: dict = field(default_factory=dict)  # the organizations' paths found by _target (for the 操作日志)
    template: dict | None = None  # the provincial tables in use (templates.current), read once per call
    template_read: bool = False
    cutoff: tuple | None = None  # the report date (period.py), read once per call
    open_session: Session | None = None  # the one snapshot a view reads in (reading)
    # What read_ahead found: {org id: projected path or None}, {(org id, year): stored report or None},
    # {(org id, year): its children's statuses (_child_statuses)}.
    projected: dict = field(default_factory=dict)
    stored_reports: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)

    @contextmanager
    def reading(self):
        """The reads that follow in one REPEATABLE READ transaction instead of a short one each: a
        report's view reads a dozen things (the report date, the organization, the stored reports,
        the template, the counters, the subordinates' statuses); under a year-end burst every
        transaction's begin and end waits for a database backend's turn on the CPU."""
        with snapshot(self.sessions) as session:
            self.open_session = session
            try:
                yield session
            finally:
                self.open_session = None

    @contextmanager
    def _session(self):
        """The open snapshot while reading, else a short session of its own."""
        if self.open_session is not None:
            yield self.open_session
        else:
            with self.sessions() as session:
                yield session

    # --- reading ---------------------------------------------------------------------------

    def _cutoff(self) -> tuple:
        """The report date (period.py), read once per call."""
        if self.cutoff is None:
            with self._session() as session:
                self.cutoff = period.cutoff(session)
        return self.cutoff

    def _period_end(self, year: int) -> str:
        return period.period_end(year, self._cutoff())

    def _current_year(self) -> int:
        """The report year today belongs to by the report date."""
        return period.report_year(date.today(), self._cutoff())

    def _target(self, org_id, year) -> tuple[int, str, int]:
        year = report_year(year, self._current_year())
        org_id, path = org_node(self._session, self.caller, org_id, self.org_lookup, self.projected)
        self.paths[org_id] = path
        return org_id, path, year

    def _figures(self, org_id: int, year: int, scope: str = "subtree") -> Figures:
        """The organization's figures for `year`; rows read for `year` serve `year - 1` too, so a
        report and last year's beside it (and its audit) are one read of the counters."""
        made = self.figured.get((org_id, scope, year))
        if made is None:
            self.figured[(org_id, scope, year)] = made = figures(self._rows(org_id, year, scope), year)
        return made

    def _rows(self, org_id: int, year: int, scope: str) -> list:
        for read_year in (year, year + 1):
            rows = self.read.get((org_id, scope, read_year))
            if rows is not None:
                return rows
        rows = org_rows(self._session, self.caller, org_id, year, self.org_lookup, scope)[1]
        self.read[(org_id, scope, year)] = rows
        return rows

    def _template(self) -> dict | None:
        if not self.template_read:
            self.template, self.template_read = current_template(self._session), True
        return self.template

    def _live(self, org_id: int, year: int, scope: str = "subtree") -> list:
        """The national tables, then the provincial ones in use (docs/REPORT_TEMPLATES.md)."""
        figures_now = self._figures(org_id, year, scope)
        provincial = self._template()
        return evaluate_all(figures_now) + (evaluate_template(provincial, figures_now) if provincial else [])

    def _older_students(self, org_id: int, year: int) -> int:
        """Student members of the subtree aged 46 or over at the end of `year` (for the audit)."""
        return older_students(self._figures(org_id, year))

    @staticmethod
    def _stored_read(org_id: int, year: int):
        return select(reports).where(reports.c.org_id == org_id, reports.c.year == year)

    @classmethod
    def _stored(cls, session: Session, org_id: int, year: int, lock: bool = False):
        statement = cls._stored_read(org_id, year)
        return session.execute(statement.with_for_update() if lock else statement).first()

    # Each worker holds at most one pooled connection (services/shared/db.py): a session is
    # never kept open across another session or an RPC, so reads happen in short sessions.

    def _stored_pair(self, org_id: int, year: int) -> tuple:
        """This year's and last year's stored reports (or None)."""
        if (org_id, year) in self.stored_reports and (org_id, year - 1) in self.stored_reports:
            return self.stored_reports[(org_id, year)], self.stored_reports[(org_id, year - 1)]
        with self._session() as session:
            return self._stored(session, org_id, year), self._stored(session, org_id, year - 1)

    def read_ahead(self, session: Session, org_id, year) -> None:
        """A view's independent reads in one round trip (services/shared/pipelined.py), kept where
        its steps look for them: the report date, the organization's path, this year's and last
        year's stored reports, the template, the children's statuses and what its counted rows take
        (store.counter_reads; the folded part, when not kept, in a second one). Under a year-end
        burst each round trip waits for a busy core: a dozen made the view slow. Nothing is
        answered from them before _target has checked the caller's scope. A year not given is the
        current one by the report date, read first; a year or id that is no number is left to the
        steps that refuse it."""
        try:
            org_id = org_key(org_id)
            year = report_year(year, period.latest_possible_year()) if year is not None else self._current_year()
        except (NotFound, ValidationFailed):
            return
        found = read_together(session, {
            "cutoff": period.CUTOFF, "path": path_read(org_id), "template": LATEST_TEMPLATE,
            "this_year": self._stored_read(org_id, year), "last_year": self._stored_read(org_id, year - 1),
            "statuses": self._statuses_read(org_id, year), **counter_reads([org_id], year, None)})
        self.cutoff = period.cutoff_of(found["cutoff"][0].cutoff if found["cutoff"] else None)
        self.template, self.template_read = template_of(found["template"][0] if found["template"] else None), True
        self.stored_reports[(org_id, year)] = found["this_year"][0] if found["this_year"] else None
        self.stored_reports[(org_id, year - 1)] = found["last_year"][0] if found["last_year"] else None
        self.statuses[(org_id, year)] = self._statuses_of(found["statuses"])
        path = self.projected[org_id] = found["path"][0].path if found["path"] else None
        if path is not None:  # else the steps ask the org service, then read the rows themselves
            self.read[(org_id, "subtree", year)] = counted_rows(session, found, [org_id], path, year, "subtree", None)

    @staticmethod
    def _carried(last, tables: list) -> list:
        """`tables` starting from last year's year end, once last year's report was submitted."""
        if last is None or last.status not in FINAL:
            return carry_forward(tables, None)
        return carry_forward(tables, totals(last.tables)["year_end_total"])

    def _current(self, row, last, org_id: int, year: int) -> list:
        """The stored report's tables, or (not generated yet) what 直统 would make now."""
        return row.tables if row is not None else self._carried(last, self._live(org_id, year))

    def _previous(self, last, org_id: int, year: int, table_1_only: bool = False) -> list | None:
        """Last year's report: the stored one, else last year's figures from the counters (with
        `table_1_only`, its 表1 alone: all the checks read of last year)."""
        if last is not None:
            return last.tables
        if year - 1 < FIRST_YEAR:
            return None
        if table_1_only:
            return [evaluate(TABLE_1, self._figures(org_id, year - 1))]
        return self._live(org_id, year - 1)

    def _child_statuses(self, org_id: int, year: int) -> dict:
        """{child id: its report row or None} of the children counted here (stats.orgs)."""
        if (org_id, year) in self.statuses:
            return self.statuses[(org_id, year)]
        with self._session() as session:
            return self._statuses_of(session.execute(self._statuses_read(org_id, year)).all())

    @staticmethod
    def _statuses_read(org_id: int, year: int):
        return (select(orgs.c.id, reports.c.status, reports.c.submitted_at)
                .outerjoin(reports, (reports.c.org_id == orgs.c.id) & (reports.c.year == year))
                .where(orgs.c.parent_id == org_id))

    @staticmethod
    def _statuses_of(rows) -> dict:
        return {row.id: row if row.status else None for row in rows}

    def _subordinates(self, year: int, children: list, statuses: dict) -> list[dict]:
        """The children (the org service's: names, order, in use) with their reports' status
        (_child_statuses); a child not counted here yet (created a moment ago) is looked up by itself."""
        found = {child_id: row for child_id, row in statuses.items() if row is not None}
        ids = [child["id"] for child in children if child["id"] not in statuses]
        if ids:
            with self._session() as session:
                found.update({row.org_id: row for row in session.execute(
                    select(reports.c.org_id, reports.c.status, reports.c.submitted_at)
                    .where(reports.c.org_id.in_(ids), reports.c.year == year)).all()})
        result = []
        for child in children:
            row = found.get(child["id"])
            status = row.status if row else "none"
            result.append({"org_id": child["id"], "name": child["name"], "status": status,
                           "status_name": STATUS_NAMES[status], "submitted": status in FINAL,
                           "submitted_at": _iso(row.submitted_at) if row else None})
        return result

    def _actions(self, path: str, status: str, has_children: bool, last=None, year: int = FIRST_YEAR) -> dict:
        parent = parent_path(path)
        editable = status in ("none", *EDITABLE)
        decides = status == "submitted" and parent is not None and self.caller.covers(parent)
        return {"generate": editable, "aggregate": editable and has_children,
                "correct": status in EDITABLE, "explain": status in EDITABLE, "cover": status in EDITABLE,
                "submit": status in EDITABLE and parent is not None, "accept": decides, "return": decides,
                "import_last_year": status not in FINAL and year - 1 >= FIRST_YEAR and not _made_in_pmis(last)}

    def _imported(self, row) -> dict | None:
        """Who imported an imported report, and when (its last 导入上年报表)."""
        if row is None or row.source != "imported":
            return None
        with self._session() as session:
            entry = session.execute(
                select(report_history.c.actor_name, report_history.c.at, report_history.c.detail)
                .where(report_history.c.report_id == row.id, report_history.c.kind == "imported")
                .order_by(report_history.c.id.desc()).limit(1)).first()
        return None if entry is None else {"by": entry.actor_name, "at": _iso(entry.at),
                                           "warnings": entry.detail.get("warnings", 0)}

    def view(self, org_id, year) -> dict:
        """The report as stored, or (not generated yet) as 直统 would make it now; with its
        checks, what the caller may do, and the subordinates' report status."""
        with self.reading() as session:
            self.read_ahead(session, org_id, year)
            org_id, path, year = self._target(org_id, year)
            children = self.children_started(org_id)
            row, last = self._stored_pair(org_id, year)
            tables = self._current(row, last, org_id, year)
            previous = self._previous(last, org_id, year, table_1_only=True)
            template_version = row.template_version if row else version_label(self._template())
            imported, older = self._imported(row), self._older_students(org_id, year)
            statuses = self._child_statuses(org_id, year)
        subordinates = self._subordinates(year, children(), statuses)
        status = row.status if row else "none"
        result = {
            "org_id": org_id, "year": year, "period_end": self._period_end(year), "status": status,
            "status_name": STATUS_NAMES[status], "source": row.source if row else None,
            "source_name": SOURCE_NAMES.get(row.source) if row else None, "version": row.version if row else 0,
            "explanation": row.explanation if row else "", "comment": row.comment if row else None,
            "cover": row.cover if row else {},
            "aggregation": row.aggregation if row else None,
            "template_version": template_version, "imported": imported,
            "last_year": {"year": year - 1, "status": last.status if last else "none",
                          "status_name": STATUS_NAMES[last.status if last else "none"],
                          "source": last.source if last else None,
                          "source_name": SOURCE_NAMES.get(last.source) if last else None,
                          **(totals(last.tables) if last else {})},
            "submitted_at": _iso(row.submitted_at) if row else None,
            "decided_at": _iso(row.decided_at) if row else None,
            "updated_at": _iso(row.updated_at) if row else None,
            **totals(tables), "tables": named(tables),
            "checks": check(tables, previous, row.explanation if row else "", older),
            "subordinates": subordinates,
            "unsubmitted": [s for s in subordinates if not s["submitted"]],
        }
        result["actions"] = self._actions(path, status, bool(subordinates), last, year)
        return result

    def checks(self, org_id, year) -> dict:
        report = self.view(org_id, year)
        return {"org_id": report["org_id"], "year": report["year"], "status": report["status"], **report["checks"]}

    def comparison(self, org_id, year) -> dict:
        org_id, _, year = self._target(org_id, year)
        row, last = self._stored_pair(org_id, year)
        tables = self._current(row, last, org_id, year)
        result = compare(named(tables), self._previous(last, org_id, year))
        result["tables"] = named(result["tables"])
        return {"org_id": org_id, "year": year, "previous_year": year - 1, **result}

    def usage(self, org_id, year, names: Callable, state=None, level=None) -> dict:
        """报表使用情况 of the organization's subtree for the year (domain/report_usage.py): the
        organizations in force from the stats projection of the org tree, named by the org service
        (`names(ids)` → {id: name}, in the caller's scope)."""
        org_id, path, year = self._target(org_id, year)
        state, level = validated(lambda _: validate_filters(state, level), None, "筛选条件")
        with self.sessions() as session:
            rows = session.execute(select(orgs.c.id, orgs.c.parent_id, orgs.c.path, orgs.c.type).where(
                orgs.c.path.startswith(path, autoescape=True), orgs.c.status == "active").order_by(orgs.c.path)).all()
        found: dict = {}
        ids = [row.id for row in rows]
        for start in range(0, len(ids), NAMES_PAGE):
            found.update(names(ids[start:start + NAMES_PAGE]))
        top = path.count("/")
        tree = [{"id": row.id, "name": found.get(str(row.id), f"党组织{row.id}"), "type_name": ORG_TYPES.name(row.type),
                 "parent_name": found.get(str(row.parent_id)), "depth": row.path.count("/") - top + 1}
                for row in rows]
        stored = self._usage_reports(ids, year)
        return {"org_id": org_id, "year": year, "period_end": self._period_end(year), "state": state, "level": level,
                **usage(tree, stored, state, level)}

    def _usage_reports(self, ids: list, year: int) -> dict:
        """org id → the year's stored report as 报表使用情况 needs it; a draft's (or returned one's)
        audit run on its stored tables against last year's stored report, as 上报 would."""
        with self.sessions() as session:
            rows = session.execute(select(
                reports.c.org_id, reports.c.status, reports.c.source, reports.c.comment, reports.c.updated_at,
                reports.c.submitted_at, reports.c.decided_at).where(
                reports.c.org_id.in_(ids), reports.c.year == year)).all() if ids else []
            drafts = [row.org_id for row in rows if row.status in EDITABLE]
            editable = {row.org_id: row for row in session.execute(
                select(reports.c.org_id, reports.c.tables, reports.c.explanation).where(
                    reports.c.org_id.in_(drafts), reports.c.year == year))} if drafts else {}
            last = {row.org_id: row.tables for row in session.execute(
                select(reports.c.org_id, reports.c.tables).where(
                    reports.c.org_id.in_(drafts), reports.c.year == year - 1))} if drafts else {}
        result = {}
        for row in rows:
            draft = editable.get(row.org_id)
            passed = check(draft.tables, last.get(row.org_id), draft.explanation)["passed"] if draft else None
            result[row.org_id] = {"status": row.status, "source": row.source, "passed": passed,
                                  "comment": row.comment, "updated_at": _iso(row.updated_at),
                                  "submitted_at": _iso(row.submitted_at), "decided_at": _iso(row.decided_at)}
        return result

    def history(self, org_id, year) -> dict:
        org_id, _, year = self._target(org_id, year)
        with self.sessions() as session:
            rows = session.execute(
                select(report_history).join(reports, reports.c.id == report_history.c.report_id)
                .where(reports.c.org_id == org_id, reports.c.year == year).order_by(report_history.c.id)).all()
        undone = {row.detail.get("correction_id") for row in rows if row.kind == "correction_undone"}
        return {"org_id": org_id, "year": year, "items": [
            {"id": row.id, "kind": row.kind, "kind_name": HISTORY_NAMES.get(row.kind, row.kind), "detail": row.detail,
             "version": row.version, "actor": row.actor, "actor_name": row.actor_name, "at": _iso(row.at),
             **({"undone": row.id in undone} if row.kind == "corrected" else {})}
            for row in rows]}

    # --- changing --------------------------------------------------------------------------

    def _record(self, session: Session, row, kind: str, detail: dict, **values) -> None:
        """Update the locked report (values, version + 1) and keep the change in its history."""
        version = row.version + 1
        session.execute(update(reports).where(reports.c.id == row.id).values(
            **values, version=version, updated_at=func.now()))
        session.execute(insert(report_history).values(
            report_id=row.id, kind=kind, detail=detail, version=version, actor=self.caller.user_id,
            actor_name=self.caller.username or self.caller.user_id))
        audit.record(session, outbox, self.caller, org_path=self.paths.get(row.org_id) or "/", entity="report",
                     entity_id=f"{row.org_id}-{row.year}", action=AUDIT_ACTIONS[kind],
                     lines=audit_lines(row, kind, detail, values))

    def _locked_new_or_editable(self, session: Session, org_id: int, year: int):
        """The report row, locked; created empty if missing. Refused once submitted."""
        session.execute(upsert(reports).values(org_id=org_id, year=year, status="draft", source="direct",
                                               tables=[], version=0)
                        .on_conflict_do_nothing(constraint="reports_org_year"))
        row = self._stored(session, org_id, year, lock=True)
        if row.status not in EDITABLE:
            raise Conflict(f"{year}年报表{STATUS_NAMES[row.status]}，不能重新生成")
        return row

    def _locked_existing(self, session: Session, org_id: int, year: int, version=None):
        row = self._stored(session, org_id, year, lock=True)
        if row is None or not row.tables:
            raise Conflict(f"{year}年报表尚未生成，请先直统或汇总")
        require_version(row.version, version, "报表")
        return row

    def _require_editable(self, row, what: str) -> None:
        if row.status == "imported":
            raise Conflict(f"导入的报表不能{what}；如有错误，请在{row.year + 1}年报表页重新导入上年报表")
        if row.status not in EDITABLE:
            raise Conflict(f"报表{STATUS_NAMES[row.status]}，不能{what}（如需修改，请上级党组织退回）")

    def _version(self) -> str:
        return version_label(self._template())

    def generate(self, org_id, year) -> dict:
        """直统: the report from the counters (this organization and everything under it)."""
        org_id, _, year = self._target(org_id, year)
        live = self._live(org_id, year)
        with self.sessions.begin() as session:
            row = self._locked_new_or_editable(session, org_id, year)
            tables = self._carried(self._stored(session, org_id, year - 1), live)
            self._record(session, row, "generated", {**totals(tables), "template_version": self._version()},
                         tables=tables, source="direct", aggregation=None, status=row.status,
                         template_version=self._version())
        return self.view(org_id, year)

    def aggregate(self, org_id, year) -> dict:
        """汇总: the direct members' figures plus each subordinate's submitted report; the
        subordinates without one are listed (and count as nothing)."""
        org_id, _, year = self._target(org_id, year)
        children = self.children(org_id)
        if not children:
            raise Conflict("本党组织没有下级党组织，无需汇总，请使用直统")
        direct = self._live(org_id, year, "direct")
        with self.sessions.begin() as session:
            row = self._locked_new_or_editable(session, org_id, year)
            found = {r.org_id: r for r in session.execute(
                select(reports.c.org_id, reports.c.status, reports.c.tables)
                .where(reports.c.org_id.in_([c["id"] for c in children]), reports.c.year == year)).all()}
            included = [c for c in children if c["id"] in found and found[c["id"]].status in FINAL]
            missing = [{"org_id": c["id"], "name": c["name"]} for c in children if c not in included]
            summed = settle(self._template(), sum_reports(direct, [found[c["id"]].tables for c in included]))
            tables = self._carried(self._stored(session, org_id, year - 1), summed)
            aggregation = {"included": [{"org_id": c["id"], "name": c["name"]} for c in included],
                           "missing": missing}
            self._record(session, row, "aggregated", {**totals(tables), **aggregation,
                                                      "template_version": self._version()},
                         tables=tables, source="aggregated", aggregation=aggregation, status=row.status,
                         template_version=self._version())
        return self.view(org_id, year)

    def correct(self, org_id, year, correction, version=None) -> dict:
        """录改: one cell typed by hand, with a reason; kept in the history."""
        org_id, _, year = self._target(org_id, year)
        with self.sessions.begin() as session:
            row = self._locked_existing(session, org_id, year, version)
            self._require_editable(row, "录改")
            change = validated(lambda raw: validate_correction(row.tables, raw), correction, "录改")
            tables, old = apply_correction(row.tables, change)
            ref = cell_ref(tables, change["table"], change["row"], change["column"])
            self._record(session, row, "corrected", {**change, "old": old, "new": change["value"],
                                                     "label": ref["label"], "anchor": ref["anchor"]}, tables=tables)
        return self.view(org_id, year)

    def undo_correction(self, org_id, year, correction_id, version=None) -> dict:
        """撤销录改: one correction taken back (its cell to the value before it), kept in the
        history too; only while nothing has changed that cell since."""
        org_id, _, year = self._target(org_id, year)
        try:
            correction_id = record_id(correction_id)
        except ValueError as invalid:
            raise ValidationFailed(f"录改记录编号{invalid}", {"correction_id": str(invalid)}) from None
        with self.sessions.begin() as session:
            row = self._locked_existing(session, org_id, year, version)
            self._require_editable(row, "撤销录改")
            history = [(entry.id, entry.kind, entry.detail) for entry in session.execute(
                select(report_history.c.id, report_history.c.kind, report_history.c.detail)
                .where(report_history.c.report_id == row.id).order_by(report_history.c.id))]
            try:
                change = undoing(row.tables, history, correction_id)
            except RuleViolation as refused:
                raise Conflict(refused.message) from None
            tables, old = apply_correction(row.tables, change)
            ref = cell_ref(tables, change["table"], change["row"], change["column"])
            self._record(session, row, "correction_undone", {
                **change, "correction_id": correction_id, "old": old, "new": change["value"], "label": ref["label"],
                "anchor": ref["anchor"]}, tables=tables)
        return self.view(org_id, year)

    def explain(self, org_id, year, text_value, version=None) -> dict:
        """报表说明: why the difference or an abnormal change."""
        org_id, _, year = self._target(org_id, year)
        with self.sessions.begin() as session:
            row = self._locked_existing(session, org_id, year, version)
            self._require_editable(row, "修改报表说明")
            cleaned = validated(explanation, text_value, "报表说明")
            self._record(session, row, "explained", {"explanation": cleaned}, explanation=cleaned)
        return self.view(org_id, year)

    def fill_cover(self, org_id, year, cover, version=None) -> dict:
        """报表封面: 单位负责人, 统计负责人, 填报人, 联系电话, 报出日期."""
        org_id, _, year = self._target(org_id, year)
        with self.sessions.begin() as session:
            row = self._locked_existing(session, org_id, year, version)
            self._require_editable(row, "填写封面")
            cleaned = validated(validate_cover, cover, "报表封面")
            self._record(session, row, "covered", cleaned, cover=cleaned)
        return self.view(org_id, year)

    def import_last_year(self, org_id, year, sheets, commit: bool = False) -> dict:
        """导入上年报表: last year's report as the official system exported it (every sheet as
        the gateway read it), for an organization whose first report year in PMIS is `year`.
        Without `commit` a preview (what was read, errors, warnings; nothing written); with it,
        and no errors, stored as the report of year − 1 (source and status 导入), final, so this
        year's 上年底党员总数 starts from its 本年底实有党员数. Refused when year − 1 has a report
        made in PMIS, or this year's report is already submitted; an earlier import is replaced."""
        org_id, _, year = self._target(org_id, year)
        last_year = year - 1
        if last_year < FIRST_YEAR:
            raise ValidationFailed(f"{year}年没有上一年度的报表可导入", {"year": "年份无效"})
        problem = report_import.shape_problem(sheets := unpacked_rows(sheets))
        if problem:
            raise ValidationFailed(f"导入数据格式有误：{problem}", {"sheets": problem})
        empty = figures([], last_year)  # the layout: the national tables, then the provincial ones in use
        provincial = self._template()
        layout = evaluate_all(empty) + (evaluate_template(provincial, empty) if provincial else [])
        read = report_import.read_report(sheets, named(layout), last_year)
        this, last = self._stored_pair(org_id, year)
        self._refuse_import(this, last, year)
        if this is not None and this.tables:  # a snapshot: it keeps the 上年底数 it was made with
            read["warnings"].append({"sheet": None, "row": None, "column": None, "message": (
                f"{year}年报表已{SOURCE_NAMES[this.source]}生成（{STATUS_NAMES[this.status]}），"
                f"导入后请重新{SOURCE_NAMES[this.source]}，使其上年底党员总数取导入的数")})
        # The file's own inconsistencies (as 校核 will show them on the imported report): said, not refused,
        # since these are the official system's accepted figures.
        own = [f["message"] for f in check(read["tables"])["failures"] if f["severity"] == "error"]
        result = {"org_id": org_id, "year": year, "imported_year": last_year, "committed": False, "checks": own,
                  **{key: value for key, value in read.items() if key != "tables"}}
        if not commit:
            return {**result, "tables": named(read["tables"])}
        if read["errors"]:
            raise ValidationFailed(f"文件有{len(read['errors'])}处错误，未导入：{read['errors'][0]['message']}",
                                   {"file": read["errors"][0]["message"]})
        with self.sessions.begin() as session:
            session.execute(upsert(reports).values(org_id=org_id, year=last_year, status="imported",
                                                   source="imported", tables=[], version=0)
                            .on_conflict_do_nothing(constraint="reports_org_year"))
            row = self._stored(session, org_id, last_year, lock=True)
            self._refuse_import(self._stored(session, org_id, year, lock=True), row, year)
            tables = read["tables"]
            self._record(session, row, "imported", {**totals(tables), "tables": [t["name"] for t in read["read"]],
                                                    "warnings": len(read["warnings"]),
                                                    "template_version": self._version()},
                         tables=tables, status="imported", source="imported", explanation="", cover={},
                         comment=None, aggregation=None, submitted_at=None, decided_at=None,
                         template_version=self._version())
        return {**result, "committed": True, "report": self.view(org_id, last_year)}

    @staticmethod
    def _refuse_import(this, last, year: int) -> None:
        if _made_in_pmis(last) and (last.tables or last.status != "draft"):
            raise Conflict(f"本组织已有在 PMIS 中{SOURCE_NAMES[last.source]}生成的{year - 1}年报表，"
                           "上年底数以该报表为准，不能导入")
        if this is not None and this.status in FINAL:
            advice = "" if this.status == "imported" else "（如需导入，请上级党组织先退回）"
            raise Conflict(f"{year}年报表{STATUS_NAMES[this.status]}，不能再导入上年报表{advice}")

    def submit(self, org_id, year, version=None) -> dict:
        """上报: to the parent, once the checks find no error."""
        org_id, path, year = self._target(org_id, year)
        if parent_path(path) is None:
            raise Conflict("根党组织没有上级党组织，无需上报")
        previous = self._previous(self._stored_pair(org_id, year)[1], org_id, year, table_1_only=True)
        with self.sessions.begin() as session:
            row = self._locked_existing(session, org_id, year, version)
            if row.status in FINAL:
                raise Conflict(f"{year}年报表{STATUS_NAMES[row.status]}，不能重复上报")
            result = check(row.tables, previous, row.explanation)
            if not result["passed"]:
                first = next(f["message"] for f in result["failures"] if f["severity"] == "error")
                raise Conflict(f"报表校核未通过（{result['errors']}处错误），不能上报：{first}")
            self._record(session, row, "submitted", totals(row.tables), status="submitted",
                         submitted_at=func.now(), comment=None)
        return self.view(org_id, year)

    def decide(self, org_id, year, accept: bool, comment=None) -> dict:
        """接收 or 退回 (with a comment) by the parent: only an account whose scope covers the
        parent, and only a submitted report."""
        org_id, path, year = self._target(org_id, year)
        parent = parent_path(path)
        if parent is None or not self.caller.covers(parent):
            raise Forbidden("无权接收或退回：须由上级党组织办理")
        try:
            cleaned = text(comment, MAX_COMMENT) if not accept or not blank(comment) else None
        except ValueError as exc:
            message = "退回时须填写退回意见" if str(exc) == "必填" else f"意见{exc}"
            raise ValidationFailed(message, {"comment": message}) from None
        with self.sessions.begin() as session:
            row = self._locked_existing(session, org_id, year)
            if row.status != "submitted":
                raise Conflict(f"只有已上报的报表才能接收或退回（当前：{STATUS_NAMES[row.status]}）")
            kind, status = ("accepted", "accepted") if accept else ("returned", "returned")
            self._record(session, row, kind, {"comment": cleaned}, status=status, decided_at=func.now(),
                         comment=cleaned)
        return self.view(org_id, year)

