"""报表使用情况 (SEED-CHECKLIST R3): for an organization's subtree and a report year, where each
organization's report stands — not generated, generated (直统/汇总) but not passing 校核, checked
and ready, submitted (上报), accepted (接收) or returned (退回) — with counts per state and filters
by state and level. Pure: the organizations come from the org tree, the reports from stats.

One state per organization, from its stored report: a draft is "checked" when the audit finds no
error (what 上报 requires, reports.submit), else "generated"; a submitted or accepted report
passed the audit when it was submitted."""
from collections.abc import Iterable, Mapping

from services.shared.field_errors import FieldErrors

STATES = {"none": "未生成", "generated": "已生成，校核未通过", "checked": "已校核，待上报",
          "submitted": "已上报，待接收", "accepted": "已接收", "returned": "已退回"}
SOURCE_NAMES = {"direct": "直统", "aggregated": "汇总"}
MAX_LEVEL = 20  # deeper than any organization tree (省 → 市 → 县 → 乡 → 村 → 支部 is 6)


NUMERALS = "一二三四五六七八九十"


def level_name(level: int) -> str:
    """1 → 本组织, 2 → 下一级, 3 → 下二级…"""
    if level == 1:
        return "本组织"
    below = level - 1
    return f"下{NUMERALS[below - 1] if below <= len(NUMERALS) else below}级"


def validate_filters(state, level) -> tuple[str | None, int | None]:
    """The optional filters: a state key and a level (1 = the organization itself)."""
    errors = {}
    state = None if state in (None, "") else state
    if state is not None and state not in STATES:
        errors["state"] = "状态无效：应为" + "、".join(f"{key}（{name}）" for key, name in STATES.items())
    chosen = None
    if level not in (None, ""):
        text = str(level).strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_LEVEL:
            errors["level"] = f"层级无效：应为1至{MAX_LEVEL}的整数（1为本组织，2为下一级）"
        else:
            chosen = int(text)
    if errors:
        raise FieldErrors(errors)
    return state, chosen


def usage_state(status: str | None, passed: bool | None) -> str:
    """The usage state of a stored report's status (None: none stored) and, for a draft, whether
    its audit passes."""
    if status is None:
        return "none"
    if status == "draft":
        return "checked" if passed else "generated"
    return status


def usage(orgs: Iterable[Mapping], stored: Mapping[int, Mapping], state: str | None = None,
          level: int | None = None) -> dict:
    """`orgs`: the subtree in path order ({id, name, type_name, depth, parent_name}); `stored`:
    org id → {status, source, passed, submitted_at, decided_at, updated_at, comment} of the year's
    stored report. Counts per state over the organizations at the chosen level (all when None),
    the items of the chosen state among them, and the levels present."""
    rows, levels = [], {}
    for org in orgs:
        depth = int(org["depth"])
        levels[depth] = levels.get(depth, 0) + 1
        if level is not None and depth != level:
            continue
        report = stored.get(int(org["id"])) or {}
        key = usage_state(report.get("status"), report.get("passed"))
        rows.append({"org_id": int(org["id"]), "name": org["name"], "type_name": org.get("type_name"),
                     "parent_name": org.get("parent_name") if depth > 1 else None,
                     "level": depth, "level_name": level_name(depth), "state": key, "state_name": STATES[key],
                     "source": report.get("source"), "source_name": SOURCE_NAMES.get(report.get("source")),
                     "updated_at": report.get("updated_at"), "submitted_at": report.get("submitted_at"),
                     "decided_at": report.get("decided_at"), "comment": report.get("comment")})
    counts = {key: 0 for key in STATES}
    for row in rows:
        counts[row["state"]] += 1
    return {"counts": [{"state": key, "state_name": name, "count": counts[key]} for key, name in STATES.items()],
            "total": len(rows),
            "levels": [{"level": depth, "level_name": level_name(depth), "count": n}
                       for depth, n in sorted(levels.items())],
            "items": [row for row in rows if state is None or row["state"] == state]}
