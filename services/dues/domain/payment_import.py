"""The 党费交纳记录表 (数据迁移), pure: the months members paid before PMIS, one month a row, matched to
the members of the organization and its subordinates by 公民身份号码 (the name must agree) and judged
by the ledger's rules (`accept_payments`) one row at a time in month order, each against the ledger
with the rows before it accepted — so every refused row has its own Chinese reason and the others
stand. A month already recorded (the same file imported twice) is refused, never written twice.
Nothing here writes (docs/MIGRATION.md, "党费交纳记录")."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from services.shared.field_errors import RowProblems
from services.shared.field_rules import sheet_day

from . import money
from .bulk_bases import Identity, id_number, identify, sheet_month
from .errors import DuesRefused
from .ledger import METHODS, Account, Branch, Payment, accept_payments

COLLECTOR_MAX = 50
ALREADY_RECORDED = "该月党费已登记，不再重复写入（同一文件重复导入时出现）"
METHOD_NAMES = {name: key for key, name in METHODS.items()}


@dataclass(frozen=True)
class PaymentCheck:
    valid: list[dict]  # {"row", "member_id", "name", "id_number", "month", "amount", "paid_on", "method", …}
    errors: list[dict]  # {"row", "field", "message", "name", "id_number"}


def read_row(row: Mapping) -> tuple[Payment, str | None]:
    """One row's payment and collector; ValueError naming the field's problem as {field: message}."""
    problems, values = {}, {}
    # Labels before the parse's message (money's messages name the 金额 themselves).
    for field, label, parse in (("month", "交纳月份", sheet_month), ("amount", "交纳", money.amount),
                                ("paid_on", "交纳日期", sheet_day)):
        if not str(row.get(field) or "").strip():
            problems[field] = f"请填写{label}{'金额' if field == 'amount' else ''}"
            continue
        try:
            values[field] = parse(row.get(field))
        except ValueError as error:
            problems[field] = f"{label}{error}"
    method_text = str(row.get("method") or "").strip()
    method = METHOD_NAMES.get(method_text, method_text if method_text in METHODS else None) if method_text \
        else "self"
    if method is None:
        problems["method"] = "交纳方式应为本人或代交"
    collector = str(row.get("collector") or "").strip() or None
    if collector is not None and len(collector) > COLLECTOR_MAX:
        problems["collector"] = f"收缴人不能超过{COLLECTOR_MAX}个字"
    if problems:
        raise RowProblems(problems)
    return Payment(values["month"], values["amount"], values["paid_on"], method), collector


def check_sheet(rows: Sequence[Mapping], roster: Mapping[str, Identity], accounts: Mapping[int, Account],
                branches: Mapping[int, Branch], today: date) -> PaymentCheck:
    """Every row judged: the member (by 公民身份号码 among the organization's and its subordinates';
    the name theirs; the dues service able to keep their ledger), the payment's fields, no second
    row for the same month, the month not recorded already, and the ledger's rules (their branch's
    registration start — `branches` by the identity's org_id —, 入党日期, left the rolls, 大额, 预交
    limit) with the member's earlier rows of the sheet accepted."""
    errors, read = [], []
    seen: dict[tuple[int, object], int] = {}
    for row in rows:
        number, name = id_number(row.get("id_number")), str(row.get("name") or "").strip()

        def refuse(field: str, message: str, row=row, number=number, name=name) -> None:
            errors.append({"row": row["row"], "field": field, "message": message, "name": name, "id_number": number})

        problems = row.get("sheet_problems") or {}
        if problems:
            refuse(*next(iter(problems.items())))
            continue
        identity, field, message = identify(roster, number, name)
        if identity is None:
            refuse(field, message)
            continue
        if identity.problem or identity.member_id not in accounts:
            refuse("id_number", identity.problem or "该党员缺少入党日期，无法登记党费")
            continue
        try:
            payment, collector = read_row(row)
        except RowProblems as problem:
            field, message = next(iter(problem.fields.items()))
            refuse(field, message)
            continue
        first = seen.setdefault((identity.member_id, payment.month), row["row"])
        if first != row["row"]:
            refuse("month", f"与第{first}行是同一党员同一月份，每月只能有一行")
            continue
        read.append((row["row"], identity, number, payment, collector))
    valid = []
    ledgers = dict(accounts)
    for row_no, identity, number, payment, collector in sorted(read, key=lambda item: (item[1].member_id,
                                                                                      item[3].month, item[0])):
        account = ledgers[identity.member_id]
        if any(earlier.month == payment.month for earlier in account.payments):
            errors.append({"row": row_no, "field": "month", "message": f"{payment.month.label}：{ALREADY_RECORDED}",
                           "name": identity.name, "id_number": number})
            continue
        try:
            accepted = accept_payments(account, branches[identity.org_id], [payment], today)[0]
        except DuesRefused as refusal:
            errors.append({"row": row_no, "field": "month", "message": refusal.message, "name": identity.name,
                           "id_number": number})
            continue
        ledgers[identity.member_id] = replace(account, payments=(*account.payments, payment))
        valid.append({"row": row_no, "member_id": identity.member_id, "org_id": identity.org_id,
                      "name": identity.name, "id_number": number,
                      "month": str(payment.month), "amount": str(payment.amount),
                      "paid_on": payment.paid_on.isoformat(),
                      "method": payment.method, "collector": collector, "kind": accepted.kind,
                      "warnings": list(accepted.warnings)})
    return PaymentCheck(sorted(valid, key=lambda item: item["row"]), sorted(errors, key=lambda item: item["row"]))
