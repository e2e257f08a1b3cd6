"""Optimistic locking, one way for every service: a change carries the version its author read;
if the record moved on since, the change is refused (409) and nothing is written."""
from .errors import Conflict, ValidationFailed


def require_version(current: int, read, what: str) -> None:
    """`read` None or "" means the caller did not say (no check); otherwise it must equal `current`.
    `what` names the record in the message ("该党员信息", "报表")."""
    if read is None or read == "":
        return
    try:
        if isinstance(read, bool):
            raise ValueError
        read = int(read)
    except (TypeError, ValueError):
        raise ValidationFailed("版本号应为正整数", {"version": "应为正整数（读取时得到的版本号）"}) from None
    if read != current:
        raise Conflict(f"{what}已被他人修改（您读取的是第{read}版，当前为第{current}版），请刷新后重新操作",
                       {"version": "版本已过期"})
