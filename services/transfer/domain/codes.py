"""The transfer service's code tables: kinds, states, reasons (PMIS's own codes where the
official ones were not found: MANUALS.md §1.4 finds only 转接原因 2 入学或毕业)."""
from services.shared.codes import CodeTable

WITHIN, CROSS_PROVINCE, OUTSIDE, BETWEEN_BRANCHES, WHOLE_ORG = (
    "within", "cross_province", "outside", "between_branches", "whole_org")
INBOUND = "inbound"  # 线下转入 (非建库): a person arriving with a paper letter, keyed in here

KINDS = CodeTable(
    "转接类型",
    [(WITHIN, "省内转接"), (CROSS_PROVINCE, "跨省转接"), (OUTSIDE, "转到系统外"),
     (BETWEEN_BRANCHES, "支部间转移"), (WHOLE_ORG, "整建制转移"), (INBOUND, "线下转入")],
    {"省内": WITHIN, "跨省": CROSS_PROVINCE, "系统外": OUTSIDE, "支部间": BETWEEN_BRANCHES, "整建制": WHOLE_ORG,
     "非建库": INBOUND},
)
# Where a 线下转入 came from: the kind its 转入 is counted as in the annual report.
FROM_KINDS = CodeTable("转入来源", [(CROSS_PROVINCE, "外省（跨省转入）"), (OUTSIDE, "系统外")],
                       {"跨省": CROSS_PROVINCE, "外省": CROSS_PROVINCE, "系统外": OUTSIDE})
# Kinds a clerk applies for one member (整建制 moves an organization: a later slice).
MEMBER_KINDS = (WITHIN, CROSS_PROVINCE, OUTSIDE, BETWEEN_BRANCHES)
# The target is an organization of this deployment.
IN_SYSTEM_KINDS = (WITHIN, BETWEEN_BRANCHES, WHOLE_ORG)
# Leave the system: the receiving side is typed by hand and the sender records the paper receipt.
PAPER_KINDS = (CROSS_PROVINCE, OUTSIDE)
# Carry a 介绍信 (支部间转移 is an internal move: no letter, no receipt; MANUALS.md §1.12).
LETTER_KINDS = (WITHIN, CROSS_PROVINCE, OUTSIDE, WHOLE_ORG)

# 转接原因: the seed of the editable code table `transfer.reason_codes` (migration 0004 writes it;
# administrators add, rename and disable codes since: domain/reasons.py). Unit tests and the
# aliases use it; the service validates against the table.
REASON_ALIASES = {"工作调动": "01", "升学": "02", "毕业": "02", "入学或毕业": "02", "参军": "03", "退伍": "03",
                  "外出务工": "04", "务工经商": "04", "户籍": "05", "离休": "06", "退休": "06"}
TRANSFER_REASONS = CodeTable(
    "转接原因",
    [("01", "调动工作"), ("02", "升学/毕业"), ("03", "参军/退伍"), ("04", "外出务工经商"), ("05", "户籍迁移"),
     ("06", "离退休"), ("99", "其他")],
    REASON_ALIASES,
)

APPROVING, TO_RECEIVE, RECEIVING, RECEIVED = "approving", "to_receive", "receiving", "received"
RETURNED, REVOKED, EXPIRED, CLOSED = "returned", "revoked", "expired", "closed"
STATE_NAMES = {APPROVING: "审批中", TO_RECEIVE: "待接收", RECEIVING: "接收办理中", RECEIVED: "已接收",
               RETURNED: "已退回", REVOKED: "已撤销", EXPIRED: "已超期", CLOSED: "异常办结"}
# The route is moving: a step is current (the letter's validity runs).
MOVING = (APPROVING, TO_RECEIVE)
# Not finished (未办结): the member has one of these at most; the sender must 重新发起 or 撤销 a
# returned or expired one before applying again.
OPEN = (APPROVING, TO_RECEIVE, RECEIVING, RETURNED, EXPIRED)
ENDED = (RECEIVED, REVOKED, CLOSED)

APPROVE, RECEIVE = "approve", "receive"
ACTION_NAMES = {APPROVE: "审批", RECEIVE: "接收"}
# Step states.
WAITING, CURRENT, DONE, STEP_RETURNED, SKIPPED = "waiting", "current", "done", "returned", "skipped"
STEP_STATE_NAMES = {WAITING: "未到达", CURRENT: "办理中", DONE: "已办理", STEP_RETURNED: "已退回", SKIPPED: "无需办理"}
SEND, RECEIVE_SIDE = "send", "receive"  # which side of the route a step belongs to

# Lines of a transfer's history (people read names, not codes).
HISTORY_ACTIONS = {"applied": "发起", "keyed_in": "线下转入登记", "approved": "审批同意", "returned": "退回",
                   "received": "接收", "receipt_recorded": "登记回执", "revoked": "撤销", "reapplied": "重新发起",
                   "rerouted": "变更接收党组织", "closed": "异常办结", "expired": "超期退回发起方",
                   "transferred": "已转入接收党组织", "transfer_refused": "未能转入"}

# Work lists of an organization's subtree (docs/TRANSFERS.md).
WORK_BOXES = {"todo": "待办", "open": "未办结", "upcoming": "即将办理", "out": "转出", "in": "转入",
              "no_receipt": "回执未返回", "acted": "审批记录"}
