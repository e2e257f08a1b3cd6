"""代码表 (docs/CODES.md): which code tables a deployment has, what standard and version each
follows, and who may change it. Pure data and rules, no I/O.

Two kinds:
- fixed tables (`FIXED`): the national codes (GB/T 3304 民族, GB/T 4658 学历 …) and PMIS's own codes
  where the official ones were not found. They live in code (services/shared/codes.py), every
  service validates against them, and nobody changes them at run time: a new version of a standard
  is a release with a migration of the stored codes, never an edit.
- deployment lists (`DEPLOYMENT`): the lists a province keeps for itself (转接原因). Each lives in
  the service that owns the records using it; the provincial administrator adds, renames and
  retires (停用) entries there. An entry is never deleted or recoded once used, so every stored
  record keeps its code and shows its (current) name.
"""
from dataclasses import dataclass

from . import codes
from .codes import CodeTable

NATIONAL, OWN, DEPLOYMENT_KIND = "national", "own", "deployment"
KIND_NAMES = {NATIONAL: "国家标准", OWN: "本系统代码", DEPLOYMENT_KIND: "本部署维护"}
READ_ONLY = "“{name}”是{kind}代码表，只读，不能新增、修改或停用代码"
KEY_MAX = 40


@dataclass(frozen=True)
class FixedTable:
    key: str
    table: CodeTable
    kind: str  # NATIONAL or OWN
    standard: str  # the standard or the source of the codes
    version: str
    parents: dict | None = None  # code -> parent code, for a hierarchical table

    @property
    def name(self) -> str:
        return self.table.name_zh


@dataclass(frozen=True)
class DeploymentList:
    key: str
    name: str
    service: str  # the service that owns the list (and the records using it)
    standard: str
    used_by: str  # what records carry its codes


_OWN_SOURCE = "PMIS自定（官方代码未确认）"
# 党员减少类型: PMIS's codes are grouped by tens (1x 死亡, 2x 出党, 3x 停止党籍, 4x 转出); the group
# rows make the table hierarchical, as the annual report reads it.
_LEAVE_GROUPS = [("1", "死亡类"), ("2", "出党类"), ("3", "停止党籍类"), ("4", "转出类")]
LEAVE_KINDS_TREE = CodeTable("党员减少类型", _LEAVE_GROUPS + codes.LEAVE_KINDS.items())

FIXED = {t.key: t for t in (
    FixedTable("ethnicity", codes.ETHNICITIES, NATIONAL, "GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码", "1991"),
    FixedTable("sex", codes.SEXES, NATIONAL, "GB/T 2261.1-2003 个人基本信息分类与代码 第1部分：人的性别代码", "2003"),
    FixedTable("education", codes.EDUCATION, NATIONAL, "GB/T 4658-2006 学历代码（一级类）", "2006"),
    FixedTable("member_category", codes.MEMBER_CATEGORIES, NATIONAL,
               "党内统计报表 党员类别（政治面貌 GB/T 4762：中共党员、中共预备党员）", "2012"),
    FixedTable("degree", codes.DEGREES, NATIONAL, "GB/T 6864-2003 中华人民共和国学位代码（类别）", "2003"),
    FixedTable("industry", codes.INDUSTRIES, NATIONAL, "GB/T 4754-2017 国民经济行业分类（门类）", "2017"),
    FixedTable("occupation", codes.OCCUPATIONS, OWN, "党内统计公报的职业分类（代码为PMIS自定）", "2017"),
    FixedTable("org_type", codes.ORG_TYPES, OWN, _OWN_SOURCE, "1"),
    FixedTable("leave_kind", LEAVE_KINDS_TREE, OWN, _OWN_SOURCE, "1",
               {code: code[0] for code in codes.LEAVE_KINDS.codes()}),
    FixedTable("evaluation_grade", codes.EVALUATION_GRADES, OWN, "民主评议党员 评议结果", "1"),
    FixedTable("other_party", codes.OTHER_PARTIES, OWN, _OWN_SOURCE, "1"),
    FixedTable("org_affiliation", codes.ORG_AFFILIATIONS, OWN, _OWN_SOURCE, "1"),
    FixedTable("unit_category", codes.UNIT_CATEGORIES, OWN, _OWN_SOURCE, "1"),
    FixedTable("party_setup", codes.PARTY_SETUPS, OWN, _OWN_SOURCE, "1"),
    FixedTable("committee_post", codes.COMMITTEE_POSTS, OWN, _OWN_SOURCE, "1"),
    FixedTable("body_level", codes.BODY_LEVELS, OWN, "党内统计年报 表9 培训、表12 表彰的级别（代码为PMIS自定）", "1"),
    FixedTable("training_mode", codes.TRAINING_MODES, OWN, _OWN_SOURCE, "1"),
)}

TRANSFER_REASONS_KEY = "transfer_reasons"
DEPLOYMENT = {t.key: t for t in (
    DeploymentList(TRANSFER_REASONS_KEY, "转接原因", "transfer", "本部署维护（初始为PMIS自定代码）", "组织关系转接"),
)}


def known(key) -> bool:
    return isinstance(key, str) and (key in FIXED or key in DEPLOYMENT)


def fixed_summary(table: FixedTable) -> dict:
    return {"key": table.key, "name": table.name, "kind": table.kind, "kind_name": KIND_NAMES[table.kind],
            "standard": table.standard, "version": table.version, "editable": False, "count": len(table.table)}


def fixed_entries(table: FixedTable) -> list[dict]:
    parents = table.parents or {}
    return [{"code": code, "name": name, "parent": parents.get(code), "retired": False}
            for code, name in table.table.items()]


def fixed_view(table: FixedTable) -> dict:
    return {**fixed_summary(table), "entries": fixed_entries(table)}


def deployment_summary(table: DeploymentList, entries: list[dict], version, may_edit: bool) -> dict:
    """A deployment list as the code-tables API shows it; `entries` as the owning service lists them
    ({code, name, enabled, used, …}), `version` the list's revision there."""
    return {"key": table.key, "name": table.name, "kind": DEPLOYMENT_KIND, "kind_name": KIND_NAMES[DEPLOYMENT_KIND],
            "standard": table.standard, "version": str(version), "editable": may_edit, "count": len(entries),
            "used_by": table.used_by}


def read_only_message(key: str) -> str:
    table = FIXED[key]
    return READ_ONLY.format(name=table.name, kind=KIND_NAMES[table.kind])
