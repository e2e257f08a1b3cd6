"""Who is calling, and which organization subtree they may act on.

The gateway puts user id, scope path and request id in nameko context data; nameko carries
them as `nameko.*` headers on every RPC and event a worker makes, so each service can check
the scope itself (house rule 4).
"""
from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from .errors import Forbidden

SYSTEM_SCOPE = "/"


@dataclass(frozen=True)
class Caller:
    user_id: str
    scope_path: str
    request_id: str = ""
    username: str = ""  # for the records people read (who recorded a change); user_id is the key
    ip: str = ""  # the client's address as the gateway saw it (操作日志)

    @classmethod
    def system(cls, request_id: str = "") -> "Caller":
        return cls(user_id="system", scope_path=SYSTEM_SCOPE, request_id=request_id)

    @classmethod
    def from_context_data(cls, data: dict) -> "Caller":
        scope = data.get("scope_path")
        if not scope:
            # No scope means no rights: a call that did not come through the gateway or a
            # trusted service gets nothing.
            raise Forbidden("缺少调用者权限范围")
        return cls(user_id=str(data.get("user_id") or ""), scope_path=scope,
                   request_id=str(data.get("request_id") or ""), username=str(data.get("username") or ""),
                   ip=str(data.get("ip") or ""))

    def covers(self, path: str) -> bool:
        return path.startswith(self.scope_path)

    def require(self, path: str, what: str = "该党组织") -> None:
        if not self.covers(path):
            raise Forbidden(f"无权访问{what}：不在本账号的管理范围内")

    def as_context_data(self) -> dict:
        return {"user_id": self.user_id, "scope_path": self.scope_path, "request_id": self.request_id,
                "username": self.username, "ip": self.ip}


class CallerProvider(DependencyProvider):
    """Injects a function returning the current worker's Caller (raises if no scope)."""

    def get_dependency(self, worker_ctx):
        return lambda: Caller.from_context_data(worker_ctx.context_data)
