"""The fields a 综合查询 can use, and the compilation of a checked condition tree to SQL.

Adding a field is one line in FIELDS: key, Chinese label, type, code table, and the column —
of the member row, or of a child info set with `via` (its member id column), which becomes an
EXISTS. Within one 并且 group, conditions on the same child info set must hold for the same
child record ("民主评议结果 等于 优秀 并且 民主评议年度 等于 2024" finds members rated 优秀 in
2024, not members rated 优秀 some year and evaluated in 2024).
"""
from sqlalchemy import and_, exists, func, not_, or_, select, true

from services.shared.codes import EDUCATION, ETHNICITIES, LEAVE_KINDS, MEMBER_CATEGORIES, OCCUPATIONS, SEXES

from .domain.conditions import (
    AND,
    BETWEEN,
    CODE,
    CONTAINS,
    DATE,
    EMPTY,
    EQ,
    GT,
    LT,
    NE,
    NOT_EMPTY,
    NUMBER,
    OPERATORS,
    STARTS,
    TEXT,
    TYPE_NAMES,
    Condition,
    Field,
    Group,
    catalog,
)
from .domain.info_sets import INFO_SETS
from .domain.info_sets import NUMBER as SET_NUMBER
from .domain.info_sets import YEAR as SET_YEAR
from .models import info_tables, members, status_changes

# Full years on the database's current date, like domain.id_number.age_on.
AGE = func.date_part("year", func.age(func.current_date(), members.c.birth_date))

# A repeating info set's field kinds as query types (a 评议年度 and 学时 compare as numbers).
_SET_TYPES = {"text": TEXT, "code": CODE, "date": DATE, SET_YEAR: NUMBER, SET_NUMBER: NUMBER}


def _info_set_fields() -> list[Field]:
    """Every field of every repeating info set (domain/info_sets.py), as "set.field" EXISTS
    fields: a set's new field is queryable with no line here."""
    return [Field(f"{key}.{f.key}", f"{spec.label}：{f.label}", _SET_TYPES[f.kind], f.table,
                  column=info_tables[key].c[f.key], via=info_tables[key].c.member_id, info_set=spec.label)
            for key, spec in INFO_SETS.items() for f in spec.fields]


FIELDS = catalog(
    Field("name", "姓名", TEXT, column=members.c.name),
    Field("former_name", "曾用名", TEXT, column=members.c.former_name),
    Field("id_number", "公民身份号码", TEXT, column=members.c.id_number),
    Field("sex", "性别", CODE, SEXES, column=members.c.sex),
    Field("birth_date", "出生日期", DATE, column=members.c.birth_date),
    Field("age", "年龄", NUMBER, column=AGE),
    Field("ethnicity", "民族", CODE, ETHNICITIES, column=members.c.ethnicity),
    Field("category", "党员类别", CODE, MEMBER_CATEGORIES, column=members.c.category),
    Field("joined_on", "入党日期", DATE, column=members.c.joined_on),
    Field("full_on", "转正日期", DATE, column=members.c.full_on),
    Field("branch_joined_on", "进入支部日期", DATE, column=members.c.branch_joined_on),
    Field("native_place", "籍贯", TEXT, column=members.c.native_place),
    Field("education", "学历", CODE, EDUCATION, column=members.c.education),
    Field("occupation", "工作岗位", CODE, OCCUPATIONS, column=members.c.occupation),
    Field("phone", "联系电话", TEXT, column=members.c.phone),
    Field("address", "家庭住址", TEXT, column=members.c.address),
    Field("leave_kind", "减少类型", CODE, LEAVE_KINDS, column=members.c.leave_kind, info_set="党籍信息"),
    Field("left_on", "减少日期", DATE, column=members.c.left_on, info_set="党籍信息"),
    Field("leave_reason", "减少原因", TEXT, column=members.c.leave_reason, info_set="党籍信息"),
    # The 党籍变动 records (each leave and 找回 not undone: CHILD_FILTERS).
    Field("status_change_kind", "党籍变动类型", CODE, LEAVE_KINDS, column=status_changes.c.kind,
          via=status_changes.c.member_id, info_set="党籍变动"),
    Field("status_change_on", "党籍变动日期", DATE, column=status_changes.c.changed_on,
          via=status_changes.c.member_id, info_set="党籍变动"),
    *_info_set_fields(),
)

# Result orders: key → (label, column); ties broken by id. "-key" sorts descending.
SORTS = {
    "name": ("姓名", members.c.name_sort),  # by pinyin (domain/names.sort_key)
    "birth_date": ("出生日期", members.c.birth_date),
    "joined_on": ("入党日期", members.c.joined_on),
    "id_number": ("公民身份号码", members.c.id_number),
    "org": ("所在党组织", members.c.org_path),
    "left_on": ("减少日期", members.c.left_on),
}
DEFAULT_SORT = "name"


def field_list() -> list[dict]:
    """The catalog for forms and API clients: each field with its operators and codes."""
    return [{"key": f.key, "label": f.label, "type": f.type, "type_name": TYPE_NAMES[f.type], "info_set": f.info_set,
             "operators": [{"key": op, "name": f.operator_name(op)} for op in OPERATORS[f.type]],
             "codes": [{"code": c, "name": n} for c, n in f.codes.items()] if f.codes else None}
            for f in FIELDS.values()]


def _blank(f: Field):
    column = f.column
    return or_(column.is_(None), column == "") if f.type == TEXT else column.is_(None)


def _test(condition: Condition):
    """The condition on its own column (for a child field: on one child record)."""
    f, op, value = condition.field, condition.operator, condition.value
    column = f.column
    if op == EQ:
        return column == value
    if op == NE:
        return column.is_distinct_from(value)  # 不等于 includes members with no value
    if op == CONTAINS:
        return column.contains(value, autoescape=True)
    if op == STARTS:
        return column.startswith(value, autoescape=True)
    if op == GT:
        return column > value
    if op == LT:
        return column < value
    if op == BETWEEN:
        return column.between(*value)
    if op == EMPTY:
        return _blank(f)
    if op == NOT_EMPTY:
        return not_(_blank(f))
    raise AssertionError(op)


# Rows of a child info set that count, by its member id column.
# Rows of a child info set that count, by table name (columns are keyed by name: their == is SQL).
CHILD_FILTERS = {status_changes.name: status_changes.c.undone_at.is_(None)}


def _child_exists(via, tests):
    extra = [CHILD_FILTERS[via.table.name]] if via.table.name in CHILD_FILTERS else []
    return exists(select(1).where(via == members.c.id, *extra, *tests))


def _compile_group(group: Group):
    plain, by_child = [], {}
    for node in group.items:
        if isinstance(node, Group):
            plain.append(_compile_group(node))
        elif node.field.via is None:
            plain.append(_test(node))
        elif node.operator in (EMPTY, NOT_EMPTY):
            # 为空: no record with a value; 不为空: some record with one.
            has = _child_exists(node.field.via, [not_(_blank(node.field))])
            plain.append(not_(has) if node.operator == EMPTY else has)
        elif group.join == AND:
            by_child.setdefault(node.field.via.table.name, (node.field.via, []))[1].append(_test(node))
        else:
            plain.append(_child_exists(node.field.via, [_test(node)]))
    plain += [_child_exists(via, tests) for via, tests in by_child.values()]
    if not plain:
        return true()
    return and_(*plain) if group.join == AND else or_(*plain)


def compile_where(group: Group):
    """A SQLAlchemy boolean over `members` (scope and status are the caller's business)."""
    return _compile_group(group) if group.items else true()

