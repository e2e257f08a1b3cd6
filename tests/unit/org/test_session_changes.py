"""Which writes make the gateways forget the sessions they keep (services/org/session_changes.py)."""
from datetime import datetime, timezone

from sqlalchemy import delete, insert, select, update

from services.org.models import accounts, login_sessions, meetings, orgs, roles
from services.org.session_changes import changes_sessions
from services.org.store import KEEPS_SESSIONS


def announces(statement) -> bool:
    return changes_sessions(statement, statement.get_execution_options())


def test_every_update_or_delete_of_what_a_session_resolves_to_is_announced():
    now = datetime.now(timezone.utc)
    assert announces(update(accounts).values(disabled_at=now))
    assert announces(update(accounts).values(role_id=2))
    assert announces(update(login_sessions).values(ended_at=now))
    assert announces(update(orgs).values(path="/1/2/"))
    assert announces(delete(roles))
    assert announces(delete(login_sessions))


def test_bookkeeping_no_session_sees_is_not_announced():
    now = datetime.now(timezone.utc)
    assert not announces(update(login_sessions).values(last_seen_at=now).execution_options(**KEEPS_SESSIONS))
    assert not announces(update(accounts).values(failed_count=0).execution_options(**KEEPS_SESSIONS))


def test_reads_inserts_and_other_tables_are_not_announced():
    assert not announces(select(accounts))
    assert not announces(insert(login_sessions).values(account_id=1))
    assert not announces(update(meetings).values(topic="x"))
