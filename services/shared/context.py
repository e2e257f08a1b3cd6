"""Who is calling, and which organization subtree they may act on.

The gateway puts user id, scope path and request id in nameko context data; nameko carries
them as `nameko.*` headers on every RPC and event a worker makes, so each service can check
the scope itself (house rule 4).
"""
from collections.abc import Mapping
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from .errors import Forbidden
from .rights import ALL_RIGHTS, LEVELS, MODULES, allows, refusal

SYSTEM_SCOPE = "/"


@dataclass(frozen=True)
class Caller:
    user_id: str
    scope_path: str
    request_id: str = ""
    username: str = ""  # for the records people read (who recorded a change); user_id is the key
    ip: str = ""  # the client's address as the gateway saw it (操作日志)
    # Module rights (services/shared/rights.py). A Caller made in code (the system, trusted tools)
    # holds them all; one read from context data holds exactly what the gateway put there.
    rights: Mapping = field(default_factory=lambda: ALL_RIGHTS, hash=False)

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
                   ip=str(data.get("ip") or ""), rights=decode_rights(data.get("rights")))

    def covers(self, path: str) -> bool:
        return path.startswith(self.scope_path)

    def require(self, path: str, what: str = "该党组织") -> None:
        if not self.covers(path):
            raise Forbidden(f"无权访问{what}：不在本账号的管理范围内")

    def has_right(self, module: str, level: str) -> bool:
        return allows(self.rights, module, level)

    def require_right(self, module: str, level: str) -> None:
        if not self.has_right(module, level):
            raise Forbidden(refusal(module, level))

    def as_context_data(self) -> dict:
        return {"user_id": self.user_id, "scope_path": self.scope_path, "request_id": self.request_id,
                "username": self.username, "ip": self.ip, "rights": encode_rights(self.rights)}


def encode_rights(rights: Mapping) -> str:
    """Rights as one header value ("daily:read,dues:write"): a plain string crosses every AMQP client."""
    return ",".join(f"{m}:{rights[m]}" for m in MODULES if rights.get(m) in LEVELS)


def decode_rights(value) -> dict:
    """The rights of a context-data value; anything missing or unknown is no right (fail closed)."""
    if not isinstance(value, str):
        return {}
    pairs = (part.split(":", 1) for part in value.split(",") if ":" in part)
    return {m: level for m, level in pairs if m in MODULES and level in LEVELS}


class CallerProvider(DependencyProvider):
    """Injects a function returning the current worker's Caller (raises if no scope)."""

    def get_dependency(self, worker_ctx):
        return lambda: Caller.from_context_data(worker_ctx.context_data)
