"""What an engine's connections send to PostgreSQL, statement by statement: SQLAlchemy's own and
the pipelined reads (services/shared/pipelined.py), which do not pass SQLAlchemy's events."""
from typing import Callable

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine


def watch_statements(engine: Engine, before: Callable | None = None) -> list[str]:
    """The statements the connections `engine` opens from now on execute, in order;
    `before(statement, connection)` (a psycopg connection) runs just before each is sent."""
    sent: list[str] = []

    class Watching(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            statement = query if isinstance(query, str) else query.as_string(self)
            if before is not None:
                before(statement, self.connection)
            sent.append(statement)
            return super().execute(query, params, **kwargs)

    @event.listens_for(engine, "connect")
    def watch(dbapi_connection, record):
        dbapi_connection.cursor_factory = Watching

    return sent
