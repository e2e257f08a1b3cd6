"""The 换届采集表 (数据迁移, docs/MIGRATION.md): the terms (届次) of the organizations' committees
before PMIS and their members, one committee member a row; the rows of one organization with one
选举日期 are one term. Shared by the gateway's template and reader and the org service that judges
and writes the rows.

The 2017 manual's 班子届次 / 班子成员 field lists are not stored (MANUALS.md §3.3, inferred there as
{届次, 选举日期, 选举方式, 任期, 批复日期/文号} and {member, 职务}): the columns are those, named as
PMIS's 换届 form names them."""
from .member_sheet import Column

TERM_SHEET = "换届采集表"
TERM_IMPORT_COLUMNS = (
    Column("org_code", "党组织代码", True, "班子所在党组织的代码，须在本账号管理范围内"),
    Column("elected_on", "选举日期", True, "格式 YYYY-MM-DD（上级指派的填指派日期）；同一党组织同一日期的各行为同一届"),
    Column("method", "产生方式", True, "党员大会选举、代表大会选举 或 上级指派，见“代码表”；同一届各行须一致"),
    Column("term_years", "任期（年）", False, "整数，不填按党组织类型的规定任期；同一届各行须一致"),
    Column("approved_on", "批复日期", False, "格式 YYYY-MM-DD，不早于选举日期；同一届各行须一致"),
    Column("approval_no", "批复文号", False, "不超过60个字；同一届各行须一致"),
    Column("id_number", "公民身份号码", True, "班子成员的18位公民身份号码（须已录入或导入党员）"),
    Column("name", "姓名", True, "须与党员名册一致"),
    Column("post", "职务", True, "书记、副书记、组织委员、宣传委员、纪检委员、委员等，见“代码表”"),
)
# The example row the template's 填写说明 shows, in the columns' order.
TERM_EXAMPLE = ("0010203", "2023-06-30", "党员大会选举", "3", "2023-07-10", "XX组字〔2023〕12号",
                "110101199003071234", "张三", "书记")
