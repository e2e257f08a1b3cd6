"""Which failures mean "the database is down for a while" (503, an event retried uncounted) and
which are the work's own fault (500 or the request's error, an event counted toward its dead-letter queue)."""
import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc

from services.shared.errors import Unavailable, ValidationFailed
from services.shared.unavailable import dependency_down


def wrapped(orig: Exception, kind=sa_exc.OperationalError, invalidated: bool = False) -> Exception:
    return kind("SELECT 1", {}, orig, connection_invalidated=invalidated)


def caused(exc: Exception, by: Exception) -> Exception:
    exc.__cause__ = by
    return exc


@pytest.mark.parametrize("exc", [
    psycopg.OperationalError("connection refused"),
    pg_errors.AdminShutdown("terminating connection due to administrator command"),
    pg_errors.CannotConnectNow("the database system is starting up"),
    psycopg.InterfaceError("the connection is closed"),
    wrapped(psycopg.OperationalError("server closed the connection unexpectedly")),
    wrapped(pg_errors.AdminShutdown("shutdown"), sa_exc.DBAPIError),
    wrapped(Exception("gone"), sa_exc.DBAPIError, invalidated=True),
    sa_exc.TimeoutError("QueuePool limit reached"),
    caused(RuntimeError("in a helper"), psycopg.OperationalError("connection refused")),
], ids=lambda e: type(e).__name__)
def test_an_unreachable_database_is_a_dependency_down(exc):
    assert dependency_down(exc)


@pytest.mark.parametrize("exc", [
    None, ValueError("bad"), ValidationFailed("党员信息有误"), Unavailable("x"),
    pg_errors.UniqueViolation("duplicate key"), wrapped(pg_errors.UniqueViolation("dup"), sa_exc.IntegrityError),
    wrapped(pg_errors.UndefinedTable("no such table"), sa_exc.ProgrammingError),
    pg_errors.CheckViolation("check"),
], ids=lambda e: type(e).__name__)
def test_the_works_own_faults_are_not(exc):
    assert not dependency_down(exc)
