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
