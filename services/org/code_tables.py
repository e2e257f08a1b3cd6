"""代码表 (docs/CODES.md): the fixed code tables — national standards and PMIS's own codes — as
the 系统工具 screen reads them. They are code (services/shared/code_tables.py), the same for every
service; nobody edits them at run time. The deployment's own lists are served by the service that
owns each (转接原因: the transfer service)."""
from services.shared import code_tables as registry
from services.shared.context import Caller
from services.shared.errors import NotFound

NOT_FOUND = "代码表不存在"


def list_tables(caller: Caller) -> dict:
    return {"items": [registry.fixed_summary(table) for table in registry.FIXED.values()]}


def get_table(caller: Caller, key) -> dict:
    if not isinstance(key, str) or key not in registry.FIXED:
        raise NotFound(NOT_FOUND)
    return registry.fixed_view(registry.FIXED[key])
