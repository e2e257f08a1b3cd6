"""Who administers which account (用户管理, issue 16; docs/ACCOUNTS.md). Pure rules.

An organization's 系统管理员 administers its own organization's 业务用户 (every account whose role
is not 系统管理员) and the 系统管理员 of the organizations below it (the next level in the usual
case; a higher level may step in further down). A 系统管理员 of an organization is administered
from above, never by a peer of the same organization, except at the root, which has no level
above: the provincial administrators administer each other (the last one cannot be disabled or
lose its role). Never sideways (another branch of the tree) or upward.
"""
from services.shared.rights import ADMIN_ROLE


def reaches(admin_path: str, target_path: str, target_role: str, root_path: str) -> bool:
    """Whether the administrator of the organization at `admin_path` administers an account of the
    organization at `target_path` with role `target_role`."""
    if target_path == admin_path:
        return target_role != ADMIN_ROLE or admin_path == root_path
    return target_path.startswith(admin_path) and target_role == ADMIN_ROLE


def is_last_root_admin(target_path: str, target_role: str, target_enabled: bool, root_path: str,
                       other_enabled_root_admins: int) -> bool:
    """The last enabled 系统管理员 of the root: it must stay enabled and keep its role."""
    return (target_path == root_path and target_role == ADMIN_ROLE and target_enabled
            and other_enabled_root_admins == 0)
