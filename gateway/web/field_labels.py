"""The Chinese label of every field a page's form sends, so an error reads "公民身份号码：校验码
错误" beside its control and in the summary at the top — never `id_number`. Each form is known
by the name its page opens it with (`open_form`); the labels come from the specs that already
name the fields (member basic fields, info sets, the organization card)."""
from dataclasses import dataclass, field

from services.member.contract import APPLICANT_LABELS, INFO_SETS, STEP_FORMS
from services.member.contract import BASIC_LABELS as MEMBER_LABELS
from services.org.contract import CARD_FIELDS, SANCTION_FIELDS, UNIT_FIELDS
from services.shared.rights import MODULES
from services.shared.settings import SETTINGS
from services.stats.contract import COVER_FIELDS

# Fields any form may be refused on without a control of its own (shown as text only).
COMMON = {"version": "版本", "data": "表单", "org_id": "所在党组织", "parent_id": "上级党组织"}
BASIC = {**MEMBER_LABELS, "former_name": "曾用名", "address": "家庭住址"}


def _labels(fields) -> dict[str, str]:
    return {f.key: f.label for f in fields}


@dataclass(frozen=True)
class FormSpec:
    prefix: str               # a control's id is prefix + field key
    labels: dict[str, str]    # the fields that have a control on the form
    controls: dict[str, str] = field(default_factory=dict)  # fields answered by another's control

    def control(self, key: str) -> str | None:
        if key in self.controls:
            return self.prefix + self.controls[key]
        return self.prefix + key if key in self.labels else None


FORMS = {
    # the member card
    "edit": FormSpec("basic-", BASIC),
    "leave": FormSpec("leave-", {"kind": "减少类型", "date": "日期", "reason": "原因"}),
    "restore": FormSpec("restore-", {"date": "找回日期", "reason": "找回原因"}),
    # the organization page
    "member": FormSpec("member-", {k: BASIC[k] for k in ("name", "id_number", "ethnicity", "category", "joined_on")}),
    "org": FormSpec("new-", {**_labels(CARD_FIELDS), "name": "名称"}),
    # 入党申请人: the list page's new applicant, the applicant page's edit, 删除 and 找回
    "applicant": FormSpec("applicant-", APPLICANT_LABELS),
    "applicant-edit": FormSpec("applicant-edit-", APPLICANT_LABELS),
    "applicant-delete": FormSpec("applicant-delete-", {"reason": "删除原因"}),
    "applicant-restore": FormSpec("applicant-restore-", {}),
    "card": FormSpec("card-", _labels(CARD_FIELDS)),
    "rename": FormSpec("rename-", {"name": "新名称"}),
    "revoke": FormSpec("revoke-", {"date": "撤销日期", "reason": "撤销原因"}),
    # 移动 names the new parent by its code
    "move": FormSpec("move-", {"parent_code": "新的上级党组织代码", "date": "移动日期", "reason": "移动原因"},
                     {"parent_id": "parent_code"}),
    # 账号管理: a new account's organization is named by its code
    "account": FormSpec("account-", {"username": "用户名", "password": "初始密码", "org_code": "所在党组织代码",
                                     "name": "姓名", "phone": "联系电话", "role": "角色"},
                        {"org_id": "org_code"}),
    # 用户管理: one account's edit form (its row's), and a new role with its rights per module
    "account-edit": FormSpec("edit-", {"role": "角色", "name": "姓名", "phone": "联系电话", "disabled": "状态"}),
    "role": FormSpec("role-", {"name": "角色名称", "rights": "权限",
                               **{f"rights.{m}": f"{label}权限" for m, label in MODULES.items()}},
                     {"rights": "rights-daily", **{f"rights.{m}": f"rights-{m}" for m in MODULES}}),
    "unit": FormSpec("unit-", _labels(UNIT_FIELDS)),
    "sanction": FormSpec("sanction-", _labels(SANCTION_FIELDS)),
    # the annual report: a correction names one cell (table, row and column: one control)
    "correct": FormSpec("correct-", {"cell": "单元格", "table": "单元格", "row": "单元格", "column": "单元格",
                                     "value": "新数值", "reason": "录改原因"},
                        {"table": "cell", "row": "cell", "column": "cell"}),
    "explain": FormSpec("explain-", {"explanation": "报表说明"}),
    "decide": FormSpec("decide-", {"comment": "审核意见"}),
    "cover": FormSpec("cover-", dict(COVER_FIELDS)),
    # 组织关系转接: the 发起 form (the member and the target are searched: the search box stands for
    # the choice) and the steps on the transfer page
    "transfer": FormSpec("transfer-", {
        "member_id": "党员", "kind": "转接类型", "to_org_id": "接收党组织", "to_outside.province": "转入省份",
        "to_outside.party_committee": "接收党委", "to_outside.branch": "接收党支部", "reason": "转接原因",
        "dues_paid_to": "党费交至", "valid_days": "介绍信有效期", "phone": "党员联系电话",
        "address": "党员原所在基层党委通讯地址", "postcode": "邮政编码"},
        {"to_outside.province": "province", "to_outside.party_committee": "party_committee",
         "to_outside.branch": "branch", "to_outside": "party_committee"}),
    # 线下转入: the paper letter and the member form's fields (the service names those member.x; the
    # page names them x), the target searched as on the 发起 form
    "inbound": FormSpec("inbound-", {
        "letter_no": "介绍信编号", "from_kind": "转入来源", "from_text": "开具介绍信的党组织",
        "dues_paid_to": "党费交至",
        **{k: BASIC[k] for k in ("name", "id_number", "ethnicity", "category", "joined_on", "native_place", "phone")},
        "to_org_id": "接收党组织"}),
    # 整建制转移 from the organization card: the new parent is chosen by the same search (its
    # refusal, to_parent_id, is shown beside the search box: transfer_pages._whole_org_form)
    "whole": FormSpec("whole-", {"to_org_id": "新的上级党组织", "reason": "转接原因",
                                 "valid_days": "介绍信有效期", "phone": "联系电话",
                                 "address": "原所在基层党委通讯地址", "postcode": "邮政编码"}),
    "transfer-approve": FormSpec("approve-", {"opinion": "审批意见"}),
    "transfer-return": FormSpec("return-", {"reason": "退回原因"}),
    "transfer-receive": FormSpec("receive-", {"date": "接收日期", "assign_to_org_id": "编入党组织"}),
    "transfer-reroute": FormSpec("reroute-", {"to_org_id": "新的接收党组织"}),
    "transfer-close": FormSpec("close-", {"reason": "异常办结原因"}),
    "transfer-receipt": FormSpec("receipt-", {"date": "回执日期", "handler": "经办人", "phone": "联系电话"}),
    "transfer-revoke": FormSpec("tr-revoke-", {"reason": "撤销原因"}),
    "transfer-reapply": FormSpec("reapply-", {"reason": "转接原因", "dues_paid_to": "党费交至",
                                              "valid_days": "介绍信有效期", "phone": "党员联系电话",
                                              "address": "党员原所在基层党委通讯地址", "postcode": "邮政编码"}),
    # 发展党员: 回退 on the applicant page, 转正/延长/取消 on a 预备党员's card (development_pages.py)
    "step-undo": FormSpec("step-undo-", {"reason": "回退原因"}),
    "probation": FormSpec("probation-", {"outcome": "处理结果", "meeting_on": "支部大会日期", "approved_on": "审批日期",
                                         "months": "延长月数", "note": "备注"}),
    # 流动党员 (gateway/web/mobility_pages.py)
    "outflow": FormSpec("outflow-", {
        "from_date": "流出日期", "reason": "流出原因", "destination.code": "流向地行政区划代码",
        "destination.text": "流向地", "to_org_id": "流入党组织", "to_org_text": "流入党组织（系统外）",
        "expected_return": "预计返回日期", "phone": "联系电话", "certificate": "发放活动证"},
        {"destination": "destination.text", "member_id": "from_date"}),
    # 组织生活: the meeting form (attendees and absentees are the roster's rows, one message above it)
    "meeting": FormSpec("meeting-", {"kind": "类型", "held_at": "时间", "place": "地点", "host": "主持人",
                                     "recorder": "记录人", "topic": "会议主题", "speaker": "授课人",
                                     "lecture_title": "党课题目", "content": "会议内容", "decisions": "决议事项",
                                     "nonvoting": "列席人员", "attendees": "出席人员", "absentees": "缺席人员",
                                     "inflows": "出席的流入党员"},
                        {"absentees": "attendees"}),
    "meeting-sign": FormSpec("sign-", {"role": "签认人"}),
    # 民主评议情况 (a branch's record; the counts come from the members' grades)
    "evaluation": FormSpec("evaluation-", {"started_on": "开展日期", "ended_on": "结束日期", "note": "备注",
                                           "year": "评议年度"}),
    # 换届选举 (gateway/web/term_pages.py): 换届 (candidates and members are the roster's rows, one
    # message above it), 届中调整, 离任 (per row: "committee-leave-<id>"), the higher level's 批复
    "term": FormSpec("term-", {"elected_on": "选举（指派）日期", "method": "产生方式", "term_years": "任期（年）",
                               "approved_on": "批复日期", "approval_no": "批复文号", "election.entitled": "应到人数",
                               "election.present": "实到人数", "election.seats": "应选名额",
                               "election.candidates": "候选人及得票", "members": "班子成员", "election": "选举情况",
                               "record_failed": "仅作记录"},
                     {"election.candidates": "candidates", "members": "candidates", "election": "election.entitled"}),
    "committee-add": FormSpec("add-", {"member_id": "党员", "post": "职务", "since": "任职日期", "how": "任职方式"}),
    "committee-leave": FormSpec("leave-", {"date": "离任日期", "reason": "离任原因"}),
    "term-approval": FormSpec("approval-", {"approved_on": "批复日期", "approval_no": "批复文号",
                                            "postponed_to": "延期换届至"}),
    "term-correction": FormSpec("correction-", {"elected_on": "选举（指派）日期更正为",
                                                "term_years": "任期（年）更正为", "approved_on": "批复日期更正为",
                                                "approval_no": "批复文号更正为",
                                                "reason": "更正原因", "data": "更正内容"}, {"data": "elected_on"}),
    "outflow-return": FormSpec("return-", {"date": "返回日期", "report": "外出期间情况报告"}),
    "outflow-lost": FormSpec("lost-", {"since": "失联日期", "reason": "失联原因", "note": "说明"}),
    "outflow-found": FormSpec("found-", {"date": "取得联系日期"}),
    "outflow-certificate": FormSpec("cert-", {"reason": "补发原因"}),
    "inflow-activity": FormSpec("activity-", {"date": "活动日期", "what": "参加的活动"}),
    "inflow": FormSpec("inflow-", {"external.name": "姓名", "external.id_number": "公民身份号码",
                                   "external.home_org_text": "流出地党组织", "external.certificate_no": "活动证编号",
                                   "from_date": "流入日期"}, {"outflow_id": "from_date"}),
    # 党费 (gateway/web/dues_pages.py): a branch's settings and month, a member's dues
    "dues-settings": FormSpec("dues-settings-", {"registration_start": "党费登记开始月份", "quarterly": "按季度交纳"}),
    "settings": FormSpec("setting-", {**{key: s.name for key, s in SETTINGS.items()}, "settings": "系统设置"}),
    "dues-month": FormSpec("dues-month-", {"paid_on": "交纳日期", "collector": "收缴人", "payments": "党费"}),
    "dues-base": FormSpec("dues-base-", {"kind": "党费类别", "amount": "交纳基数", "from_month": "起始月份"}),
    "dues-pay": FormSpec("dues-pay-", {"month": "交纳月份", "amount": "金额", "paid_on": "交纳日期",
                                       "method": "交纳方式", "collector": "收缴人"}),
    "dues-large": FormSpec("dues-large-", {"amount": "金额", "paid_on": "交纳日期", "receipt_no": "收据号"}),
    "dues-exemption": FormSpec("dues-exemption-", {"from_month": "开始月份", "to_month": "结束月份", "kind": "类型",
                                                   "amount": "少交后每月应交", "reason": "原因"}),
    "dues-inflow": FormSpec("dues-inflow-", {"paid_on": "交纳日期", "collector": "收缴人", "payments": "党费"}),
    "dues-external": FormSpec("dues-external-", {"paid_on": "交纳日期", "collector": "收缴人", "payments": "党费"}),
    "dues-void": FormSpec("dues-void-", {"reason": "作废原因"}),
    "dues-reset": FormSpec("dues-reset-", {"year": "年度", "from_month": "起始月份", "bases": "党员"}),
    "dues-import": FormSpec("dues-import-", {"file": "党费基数表"}),
    "dues-decide": FormSpec("dues-decide-", {"opinion": "审批意见"}),
    # 上缴 (gateway/web/dues_pages.py): the record form and a record's correction ("remit-fix-<id>"); a
    # record's 作废 / 确认收到 are refused in the summary at the top (no spec)
    "dues-remit": FormSpec("dues-remit-", {"period": "所缴期间", "amount": "上缴金额", "remitted_on": "上缴日期",
                                           "receipt_no": "收据号", "note": "备注"}),
    "remit-fix": FormSpec("remit-fix-", {"amount": "上缴金额", "remitted_on": "上缴日期", "receipt_no": "收据号",
                                         "note": "备注", "reason": "更正原因"}),
    # 大额党费 上缴 (the 大额党费 page): the record form; a record's 作废 is refused in the summary at the top
    "large-remit": FormSpec("large-remit-", {"remitted_on": "上缴日期", "amount": "上缴金额",
                                             "voucher_no": "收据（凭证）号", "note": "备注"},
                            {"payment_ids": "amount"}),
}


def form_spec(form: str | None) -> FormSpec | None:
    """The spec of a named form; an info-set row's forms are "<set>-add" and "<set>-<row id>",
    and an organization record's edit forms "unit-<id>" / "sanction-<id>"."""
    if form in FORMS:
        return FORMS[form]
    key, _, row = (form or "").rpartition("-")
    if key in INFO_SETS:
        return FormSpec(f"{'add-' + key if row == 'add' else 'edit-' + form}-", _labels(INFO_SETS[key].fields))
    if key in ("unit", "sanction", "committee-leave", "remit-fix") and row.isdigit():
        return FormSpec(f"{form}-", FORMS[key].labels)
    if key == "step" and row in STEP_FORMS:  # 发展党员: a step's form (applicant page or a batch)
        spec = STEP_FORMS[row]
        return FormSpec(f"{form}-", {"date": spec["date_label"], "step": "发展步骤", "items": "人员",
                                     **{f["name"]: f["label"] for f in spec["fields"]}})
    return None


@dataclass(frozen=True)
class FieldError:
    key: str
    label: str
    message: str
    control: str | None  # the id of the control it sits beside, when the form has one

    @property
    def text(self) -> str:
        if not self.label or self.message.startswith(self.label):
            return self.message
        return f"{self.label}：{self.message}"

    @property
    def id(self) -> str:
        return f"error-{self.control}" if self.control else ""


class FormErrors:
    """The refused fields of the one open form, in the order the service gave them."""

    def __init__(self, form: str | None = None, items: tuple[FieldError, ...] = ()):
        self.form, self.items = form, items
        self._by_key = {item.key: item for item in items}

    def of(self, form: str) -> "FormErrors":
        """These errors on the form `form`, none on any other."""
        return self if form == self.form else NO_ERRORS

    def get(self, key: str) -> FieldError | None:
        return self._by_key.get(key)

    def messages(self, *keys: str) -> str:
        """The messages of `keys` that were refused, joined (fields that share one control)."""
        return "；".join(self._by_key[key].message for key in keys if key in self._by_key)

    def extra(self, keys) -> list[FieldError]:
        """Errors of fields the form has no control for among `keys` (shown together below it)."""
        return [item for item in self.items if item.key not in keys and item.key != "version"]

    def __iter__(self):
        return iter(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


NO_ERRORS = FormErrors()


def form_errors(form: str | None, fields: dict | None) -> FormErrors:
    """The refusal's `fields` (machine names → messages) as the form `form` shows them."""
    spec = form_spec(form)
    labels = spec.labels if spec else {}
    items = []
    for key, message in (fields or {}).items():
        label = labels.get(key) or COMMON.get(key, "")
        control = spec.control(key) if spec else None
        items.append(FieldError(str(key), label, str(message), control))
    return FormErrors(form, tuple(items))
