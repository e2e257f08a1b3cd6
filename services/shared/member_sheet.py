"""The member collection sheet (党员采集表): its columns, shared by the template download
and the import that reads it back."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    note: str


IMPORT_COLUMNS = (
    Column("name", "姓名", True, "不超过50个字"),
    Column("id_number", "公民身份号码", True, "18位，末位可为X；性别和出生日期由此确定"),
    Column("ethnicity", "民族", True, "如 汉族，见“代码表”"),
    Column("category", "党员类别", True, "正式党员 或 预备党员"),
    Column("joined_on", "入党日期", True, "格式 YYYY-MM-DD，如 2010-07-01"),
    Column("org_code", "所在党组织代码", True, "党组织代码，须在本账号管理范围内"),
    # Optional: the rest of the basic set (2013 manual 3.2.2.1); 校核 lists what is still missing.
    Column("full_on", "转正日期", False, "正式党员填写，格式 YYYY-MM-DD，不早于入党日期"),
    Column("native_place", "籍贯", False, "如 山东济南"),
    Column("education", "学历", False, "如 大学本科，见“代码表”"),
    Column("occupation", "工作岗位", False, "如 专业技术人员，见“代码表”"),
    Column("branch_joined_on", "进入支部日期", False, "格式 YYYY-MM-DD"),
    Column("phone", "联系电话", False, "数字，可含 -、+、空格"),
    Column("former_name", "曾用名", False, "不超过50个字"),
    Column("address", "家庭住址", False, "不超过200个字"),
)

# The 入党申请人采集表: an applicant's fields (sex and birth date follow from the ID number).
APPLICANT_IMPORT_COLUMNS = (
    Column("name", "姓名", True, "不超过50个字"),
    Column("id_number", "公民身份号码", True, "18位，末位可为X；性别和出生日期由此确定"),
    Column("ethnicity", "民族", True, "如 汉族，见“代码表”"),
    Column("applied_on", "申请入党日期", True, "格式 YYYY-MM-DD；申请时须年满18周岁"),
    Column("org_code", "所在党组织代码", True, "党组织代码，须在本账号管理范围内"),
    Column("education", "学历", False, "如 大学本科，见“代码表”"),
    Column("occupation", "工作岗位", False, "如 专业技术人员，见“代码表”"),
)

# The 发展纪实采集表: development steps taken on paper, one step a row, for applicants already
# recorded (found by the ID number). Which step takes which column: docs/DEVELOPMENT.md "导入发展纪实".
DEVELOPMENT_IMPORT_COLUMNS = (
    Column("id_number", "公民身份号码", True, "入党申请人的18位公民身份号码（须已录入或导入入党申请人）"),
    Column("name", "姓名", True, "须与入党申请人的姓名一致"),
    Column("step", "发展步骤", True, "如 确定为入党积极分子，见“代码表”；审批及以后的步骤不在此导入"),
    Column("date", "办理日期", True, "格式 YYYY-MM-DD，不晚于今天；顺序颠倒、时间不足的照样导入，由工作督查列出"),
    Column("people", "培养联系人/入党介绍人", False, "指定培养联系人、确定入党介绍人时填写姓名，多人用“、”分隔"),
    Column("passed", "审查结果", False, "政治审查、上级党委预审：合格 或 不合格"),
    Column("days", "培训天数", False, "集中培训：整数"),
    Column("hours", "培训学时", False, "集中培训：整数"),
    Column("entitled", "应到会有表决权人数", False, "支部大会：整数"),
    Column("present", "实到会有表决权人数", False, "支部大会：整数"),
    Column("written", "书面意见人数", False, "支部大会：整数，可不填"),
    Column("yes", "赞成票数", False, "支部大会：整数（含书面意见）"),
    Column("actors", "经办人/参加人员", False, "不超过500个字"),
    Column("note", "备注", False, "不超过500个字"),
)

# The 党籍变动历史表 (数据迁移): a member's 党籍 changes before PMIS, one a row, for members already
# recorded (found by the ID number). What each kind writes: docs/MIGRATION.md "党籍变动历史".
HISTORY_IMPORT_COLUMNS = (
    Column("id_number", "公民身份号码", True, "党员的18位公民身份号码（须已录入或导入党员）"),
    Column("name", "姓名", True, "须与党员名册一致"),
    Column("kind", "变动类型", True, "入党、转正、转入、转出 或 减少，见“代码表”"),
    Column("date", "变动日期", True, "格式 YYYY-MM-DD，不晚于今天，不早于入党日期"),
    Column("leave_kind", "减少类型", False, "变动类型为减少时必填：死亡、开除党籍、停止党籍等，见“代码表”"),
    Column("note", "说明", False, "转入填原党组织，转出填去往党组织；出党须填原因（如处分决定）；不超过200个字"),
)
HISTORY_EXAMPLE = ("110101199003071234", "张三", "转入", "2015-03-01", "", "原XX市XX党支部")
