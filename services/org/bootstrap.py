"""`python -m services.org.bootstrap`: on an empty database create the root organization
(PMIS_ROOT_ORG_NAME) and the `admin` account bound to it, printing the one-time password; at every
start, announce the root's report date to the statistics (settings.announce_report_date)."""
import secrets
import sys

from sqlalchemy.orm import sessionmaker

from services.shared.config import setting
from services.shared.db import make_engine

from .accounts import ensure_admin
from .commands import ensure_root
from .settings import announce_report_date


def one_time_password() -> str:
    return setting("PMIS_ADMIN_PASSWORD") or "Pm-" + secrets.token_urlsafe(9)


def bootstrap() -> dict:
    engine = make_engine(pool_size=1)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        root_id, root_created = ensure_root(sessions, setting("PMIS_ROOT_ORG_NAME"), setting("PMIS_ROOT_ORG_CODE"))
        password = one_time_password()
        admin_created = ensure_admin(sessions, root_id, password)
        announce_report_date(sessions)
    finally:
        engine.dispose()
    return {"root_id": root_id, "root_created": root_created, "admin_created": admin_created,
            "admin_password": password if admin_created else None}


def main() -> int:
    result = bootstrap()
    if result["root_created"]:
        print(f"已创建根党组织：{setting('PMIS_ROOT_ORG_NAME')}（id={result['root_id']}）")
    if result["admin_created"]:
        print(f"初始管理员：admin    一次性密码：{result['admin_password']}    （首次登录须修改）")
    else:
        print("管理员账号 admin 已存在，未修改其密码。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
