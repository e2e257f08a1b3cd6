"""The 党费基数表: the columns of the dues bases' Excel template and import (an organization's
members and those of the organizations under it, prefilled, with their kind of base, amount and
the month it applies from), shared by the gateway's template and reader and the dues service that
judges the rows."""
from .member_sheet import Column

BASE_SHEET = "党费基数表"
BASE_IMPORT_COLUMNS = (
    Column("name", "姓名", True, "与党员名册一致（模板已按本组织及下级党组织的在册党员预填）"),
    Column("id_number", "公民身份号码", True, "18位，与党员名册核对；请勿修改"),
    Column("kind", "党费类别", True, "在职、年薪制、个体、离退休、农民、学生、下岗失业、抚恤救济、低保，见“代码表”"),
    Column("amount", "交纳基数（元/月）", False,
           "在职：税后月工资收入；年薪制：当月实际收入；个体：上季度月平均纯收入；离退休：实得离退休费；"
           "农民：每月交纳数额（0.2—1元）；学生、下岗失业、抚恤救济、低保不填"),
    Column("from_month", "起始月份", True, "格式 YYYY-MM，如 2026-01：从该月起按此基数计算应交党费"),
)
# A committee's sheet lists its branches' members, each with its branch to check them by: only
# people read it (the import finds each member's branch by 公民身份号码).
BASE_BRANCH_COLUMN = Column("org_name", "所在党组织", False,
                            "仅供核对，导入时不读取：党员按公民身份号码对应到其所在党组织")

# The 党费交纳记录表 (数据迁移): the months each member paid before PMIS, one month a row, so 党费交至
# and the arrears are right from the first day (docs/MIGRATION.md).
PAYMENT_SHEET = "党费交纳记录表"
PAYMENT_IMPORT_COLUMNS = (
    Column("name", "姓名", True, "与党员名册一致"),
    Column("id_number", "公民身份号码", True, "18位，与本组织党员名册核对"),
    Column("month", "交纳月份", True, "格式 YYYY-MM，如 2025-07：所交的是哪个月的党费；每行一个月"),
    Column("amount", "交纳金额（元）", True, "大于0，最多两位小数，如 12.50"),
    Column("paid_on", "交纳日期", True, "格式 YYYY-MM-DD，不晚于今天，不早于入党日期"),
    Column("method", "交纳方式", False, "本人 或 代交，不填为本人"),
    Column("collector", "收缴人", False, "不超过50个字"),
)
# The example row the template's 填写说明 shows, in the columns' order.
PAYMENT_EXAMPLE = ("张三", "110101199003071234", "2025-07", "12.50", "2025-07-10", "本人", "李四")
