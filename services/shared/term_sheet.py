"""The 换届采集表 (数据迁移, docs/MIGRATION.md): the terms (届次) of the organizations' committees
before PMIS and their members, one committee member a row; the rows of one organization with one
选举日期 are one term. Shared by the gateway's template and reader and the org service that judges
and writes the rows.

The 2017 manual's 班子届次 / 班子成员 field lists are not stored (MANUALS.md §3.3, inferred there as
{届次, 选举日期, 选举方式, 任期, 批复日期/文号} and {member, 职务}): the columns are those, named as
PMIS's 换届 form names them; the election's figures (应到/实到/应选名额, each candidate's 得票) as
the form's 选举情况 has them."""
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
    Column("post", "职务", False, "书记、副书记、组织委员、宣传委员、纪检委员、委员等，见“代码表”；没有选举情况的必填，"
           "有选举情况的填当选后担任的职务（不填为委员），未当选的候选人不填"),
    # 选举情况 (optional): with them each row is a candidate, the 差额 ones not elected included, and
    # the committee is who the votes elect (换届's own count), as when the form records an election.
    Column("entitled", "应到人数", False, "有选举情况的填写：有选举权的党员人数；同一届各行须一致"),
    Column("present", "实到人数", False, "有选举情况的填写：参加选举的党员人数；同一届各行须一致"),
    Column("seats", "应选名额", False, "有选举情况的填写：应选出的委员人数；同一届各行须一致"),
    Column("votes", "得票数", False, "有选举情况的必填：该候选人的得票数（每名候选人一行，含未当选的差额候选人）"),
    Column("elected", "是否当选", False, "是 或 否，可不填；填写的与按得票计算的当选结果核对，不一致的整届不导入"),
)
# The example row the template's 填写说明 shows, in the columns' order.
TERM_EXAMPLE = ("0010203", "2023-06-30", "党员大会选举", "3", "2023-07-10", "XX组字〔2023〕12号",
                "110101199003071234", "张三", "书记", "25", "24", "3", "23", "是")
