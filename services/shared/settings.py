"""系统设置 (docs/SETTINGS.md): per-organization settings the modules read — reminder lead times and
the statistics' report date — with code defaults and inheritance down the organization tree. Pure.

A value set at an organization applies to its whole subtree unless an organization lower down sets
its own; where nobody on the way from the root sets it, the code default applies. The 党费 settings
(登记开始月份, 按季度) are the dues service's own (it keeps them per branch, with version and audit):
they are shown on the same page, not kept here.

Shared, like rights.py: the org service keeps and resolves the values; the services that read them
(member: 转正 and 发展党员 reminders) ask the org service for the effective values and fall back on
nothing — the defaults here are the only place the lead times are written.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from services.shared.paths import path_ids


@dataclass(frozen=True)
class Setting:
    key: str
    name: str  # Chinese, as the page and the history show it
    default: object
    unit: str
    kind: str  # "days" (an integer within [min, max]) or "month_day" ("MM-DD")
    min: int = 0
    max: int = 0
    note: str = ""


# The order is the page's. Defaults are the constants the modules used before settings existed.
SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("terms_own_reminder_days", "换届提醒：本组织届满前天数", 30, "天", "days", 1, 365,
            "首页提醒本组织任期将届满（基层版：届满前30天）"),
    Setting("terms_higher_reminder_days", "换届提醒：下级组织届满前天数", 180, "天", "days", 1, 730,
            "换届提醒名单和工作督查列出下级组织任期将届满的（约6个月）"),
    Setting("probation_reminder_days", "预备党员转正提醒：预备期满前天数", 30, "天", "days", 1, 180,
            "首页提醒本组织预备期将满的预备党员"),
    Setting("development_due_days", "发展党员提醒：到期前天数", 30, "天", "days", 0, 366,
            "发展党员提醒名单列出该天数内到期和已逾期的步骤"),
    Setting("report_date", "统计报告期截止日", "12-31", "月-日", "month_day",
            note="党内统计年报的报告期截止日（缺省12月31日）：某年报告期为上年该日之次日至本年该日；"
                 "全系统统一，只能在最上级党组织设置，修改后统计数据按新报告期自动重新统计"),
)}
# Set at the root organization only, for the whole deployment: the annual report sums every
# organization's figures up the tree, so all must share one report period (a value stored lower
# down is ignored).
ROOT_ONLY_KEY = "report_date"


class SettingProblems(ValueError):
    """Per-key Chinese problems of submitted values (nothing is written when there is any)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("；".join(f"{SETTINGS[k].name if k in SETTINGS else '系统设置' if k == 'settings' else k}：{m}"
                                   for k, m in fields.items()))
        self.fields = fields


def parse_value(key: str, value):
    """The value as stored, or ValueError with a Chinese reason. None means 恢复继承 (unset here)."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise ValueError("没有这项设置")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if setting.kind == "days":
        if isinstance(value, bool) or isinstance(value, float):
            raise ValueError("应为整数")
        try:
            days = int(str(value).strip()) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise ValueError("应为整数") from None
        if not setting.min <= days <= setting.max:
            raise ValueError(f"应在{setting.min}到{setting.max}{setting.unit}之间")
        return days
    if not isinstance(value, str):
        raise ValueError("应为“月-日”，如12-31")
    text = value.strip()
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() and 1 <= len(p) <= 2 for p in parts):
        raise ValueError("应为“月-日”，如12-31")
    month, day = int(parts[0]), int(parts[1])
    try:
        date(2025, month, day)  # a year without 29 February: a report date must exist every year
    except ValueError:
        raise ValueError("不是每年都有的日期") from None
    return f"{month:02d}-{day:02d}"


def parse_changes(data) -> dict:
    """{key: value or None} of a submitted change, validated as a whole: SettingProblems if any
    key is unknown or any value is out of range."""
    if not isinstance(data, Mapping) or not data:
        raise SettingProblems({"settings": "请至少修改一项设置"})
    if len(data) > len(SETTINGS):  # more keys than there are settings: refused without listing them
        raise SettingProblems({"settings": f"设置项过多（共{len(SETTINGS)}项）"})
    problems, parsed = {}, {}
    for key, value in data.items():
        try:
            parsed[str(key)] = parse_value(str(key), value)
        except ValueError as error:
            problems[str(key)[:60]] = str(error)
    if problems:
        raise SettingProblems(problems)
    return parsed


@dataclass(frozen=True)
class Effective:
    key: str
    value: object
    set_at: int | None  # the organization whose value applies; None: the code default


def resolve(org_path: str, rows: Iterable[tuple[int, str, object]]) -> dict[str, Effective]:
    """The effective value of every setting at the organization of `org_path`, from the values set
    (org_id, key, value) at organizations of the path (others are ignored): the lowest one's wins,
    the code default where none is set."""
    depth = {org_id: level for level, org_id in enumerate(path_ids(org_path))}
    best: dict[str, tuple[int, int, object]] = {}
    for org_id, key, value in rows:
        if key not in SETTINGS or org_id not in depth or value is None:
            continue
        if key == ROOT_ONLY_KEY and depth[org_id] != 0:
            continue
        if key not in best or depth[org_id] > best[key][0]:
            best[key] = (depth[org_id], org_id, value)
    return {key: Effective(key, best[key][2], best[key][1]) if key in best else Effective(key, s.default, None)
            for key, s in SETTINGS.items()}


def shown(key: str, value) -> str | None:
    """A value as the history and the 操作日志 read it ("45天", "12-31"; None: 未设置)."""
    if value is None:
        return None
    setting = SETTINGS.get(key)
    return f"{value}{setting.unit}" if setting is not None and setting.kind == "days" else str(value)
