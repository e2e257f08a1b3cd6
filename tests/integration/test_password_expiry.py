"""Passwords expire after 90 days (the official system's rule): the next login must change it."""
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from gateway.rpc import RemoteError
from tests.support.factories import code


def test_expired_password_forces_a_change(system, rpc, root_id):
    username = f"exp{code('')}"
    rpc.call("org", "create_account", username=username, password="First#Pass2026", org_id=root_id)
    account = rpc.call("org", "authenticate", username=username, password="First#Pass2026")
    view = rpc.call("org", "change_password", account_id=account["account_id"], old_password="First#Pass2026",
                    new_password="Second#Pass2026")
    assert view["must_change_password"] is False

    dsn = system.env["PMIS_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE org.accounts SET password_changed_at = %s WHERE username = %s",
                     (datetime.now(timezone.utc) - timedelta(days=91), username))
    expired = rpc.call("org", "authenticate", username=username, password="Second#Pass2026")
    assert expired["must_change_password"] is True and expired["password_expired"] is True

    with pytest.raises(RemoteError) as raised:
        rpc.call("org", "change_password", account_id=account["account_id"], old_password="Second#Pass2026",
                 new_password="Second#Pass2026")
    assert raised.value.exc_type == "ValidationFailed"  # the same password again is refused
    rpc.call("org", "change_password", account_id=account["account_id"], old_password="Second#Pass2026",
             new_password="Third#Pass2026")
    renewed = rpc.call("org", "authenticate", username=username, password="Third#Pass2026")
    assert renewed["must_change_password"] is False
