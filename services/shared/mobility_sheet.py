"""The 流出党员采集表 (数据迁移, docs/MIGRATION.md): members away from home when the province moves
to PMIS, one 流出登记 a row, for members already recorded (found by the 公民身份号码); shared by
the gateway's template and reader and the transfer service that judges and writes the rows.

The official 2017 流动党员 chapter is not stored (MANUALS.md §2.1): the columns are the fields a
流出登记 keeps, named as the outflow ledgers name them (流出时间/流出原因/流出地行政区划/工作单位,
MANUALS.md §2.2)."""
from .member_sheet import Column

OUTFLOW_SHEET = "流出党员采集表"
OUTFLOW_IMPORT_COLUMNS = (
    Column("id_number", "公民身份号码", True, "党员的18位公民身份号码（须已录入或导入党员，且在本账号管理范围内）"),
    Column("name", "姓名", True, "须与党员名册一致"),
    Column("from_date", "流出日期", True, "格式 YYYY-MM-DD，不晚于今天，不早于入党日期"),
    Column("reason", "流出原因", True,
           "外出务工经商、升学或就读、随迁或探亲、工作派遣或借调、出国(境)、异地居住或养老、其他，见“代码表”"),
    Column("destination", "流向地", True, "流向的地区，如 广东省广州市天河区；出国（境）的填国家或地区"),
    Column("division", "流向地行政区划代码", False, "6位数字，如 440106；国内必填，出国（境）的可不填"),
    Column("abroad", "是否出国（境）", False, "是 或 否，不填为否"),
    Column("to_org_code", "流入党组织代码", False, "流入本系统内党组织的，填该党组织的代码"),
    Column("to_org_text", "流入单位或党组织", False, "流入系统外的，填单位或党组织名称；不超过100个字"),
    Column("phone", "联系电话", True, "流出党员的联系电话"),
    Column("expected_return", "预计返回日期", False, "格式 YYYY-MM-DD，晚于流出日期"),
    Column("certificate_no", "活动证编号", False,
           "迁移前已发放《流动党员活动证》的，填其编号（不超过40个字）；未发放的不填，可导入后在系统中发放"),
    Column("certificate_issued_on", "发证日期", False, "填写活动证编号的必填，格式 YYYY-MM-DD，不晚于今天"),
)
# The example row the template's 填写说明 shows, in the columns' order.
OUTFLOW_EXAMPLE = ("110101199003071234", "张三", "2024-03-01", "外出务工经商", "广东省广州市天河区", "440106", "否",
                   "", "广州某科技有限公司党支部", "13900000000", "", "110101000123", "2024-03-05")

# The 流入党员采集表: members of other deployments (another province, a system outside PMIS) registered
# as 流入 at an organization of this one, one 流入登记 a row, with the fields that 流入登记 keeps of a
# member from outside (docs/MIGRATION.md, "流入党员采集表"); an inflow that has ended since carries its 离开日期.
INFLOW_SHEET = "流入党员采集表"
INFLOW_IMPORT_COLUMNS = (
    Column("org_code", "流入党组织代码", True, "党员流入的本系统党组织的代码（须在本账号管理范围内）"),
    Column("name", "姓名", True, "流入党员的姓名，不超过50个字"),
    Column("id_number", "公民身份号码", True, "18位，按国家标准校验；本系统内的党员请由其所在党组织登记流出后确认流入"),
    Column("home_org_text", "原所在党组织", True, "党员组织关系所在的党组织（流出地），不超过100个字"),
    Column("certificate_no", "活动证编号", False, "《流动党员活动证》的编号，不超过40个字"),
    Column("from_date", "流入日期", True, "格式 YYYY-MM-DD，不晚于今天"),
    Column("ended_on", "离开日期", False, "已离开的填写（YYYY-MM-DD，不早于流入日期，不晚于今天）；仍在本组织的不填"),
)
INFLOW_EXAMPLE = ("0010020003", "李四", "440106199205061234", "广东省广州市天河区某街道党工委某社区党支部",
                  "4401060000123", "2025-03-01", "")
