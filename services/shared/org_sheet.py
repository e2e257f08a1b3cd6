"""The organization collection sheet (党组织采集表): its columns, shared by the template
download and the import that reads it back. Required = the card's system-required items
(系统必填项); the norm-required ones (必填项) may be left empty and are listed by 校核."""
from .member_sheet import Column

ORG_IMPORT_COLUMNS = (
    Column("name", "党组织名称", True, "不超过100个字"),
    Column("code", "党组织代码", True, "英文字母、数字和连字符，不超过20个字符，全省唯一"),
    Column("type", "党组织类别", True, "如 党支部，见“代码表”"),
    Column("parent_code", "上级党组织代码", True, "已有党组织的代码，或本表中前面行的党组织代码；须在本账号管理范围内"),
    Column("short_name", "党组织简称", False, "不超过50个字"),
    Column("affiliation", "隶属关系", False, "必填项（可暂缺，校核时列出），见“代码表”"),
    Column("established_on", "成立日期", False, "必填项（可暂缺），格式 YYYY-MM-DD"),
    Column("contact_person", "联系人", False, "必填项（可暂缺）"),
    Column("contact_phone", "联系电话", False, "必填项（可暂缺），数字、空格和 + - ( )"),
    Column("address", "通讯地址", False, "不超过200个字"),
    Column("postcode", "邮政编码", False, "6位数字"),
    # 单位信息 (one unit; more on the card): what 表5/表6 count the organization and its members by.
    Column("unit_category", "单位性质类别", False, "填写则建立一条单位信息，如 村、社区（居委会）、乡（镇）、街道"),
    Column("unit_name", "单位名称", False, "填写单位性质类别时必填，不超过100个字"),
    Column("unit_setup", "建立党组织情况", False, "填写单位性质类别时必填，如 单独建立党组织"),
)
UNIT_KEYS = {"unit_category": "category", "unit_name": "name", "unit_setup": "party_setup"}
