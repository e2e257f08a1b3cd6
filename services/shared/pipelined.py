"""Several independent reads in one round trip to PostgreSQL (psycopg's pipeline mode).

Under a year-end burst every statement's round trip waits for a database backend's turn on a
busy core, and a report's view made a dozen of them, one after the other. Reads that do not
depend on each other's results are sent together here and their answers read together: one
wait instead of many. They run in the session's transaction, so in a REPEATABLE READ session
(store.snapshot) they all see its one snapshot.

Parameters go to psycopg as they are (SQLAlchemy's bind processors are not applied): plain
numbers, text, None and lists of them, what these reads take.
"""
from psycopg.rows import namedtuple_row
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


def read_together(session: Session, reads: dict[str, Executable | tuple[Executable, dict]]) -> dict[str, list]:
    """{name: statement or (statement, parameters)} → {name: its rows (attributes by column name)}."""
    connection = session.connection()
    compiled = {}
    for name, read in reads.items():
        statement, parameters = read if isinstance(read, tuple) else (read, None)
        # render_postcompile: an IN list becomes one parameter per element, as SQLAlchemy sends it
        found = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        compiled[name] = (str(found), found.construct_params(parameters))
    driver = connection.connection.dbapi_connection
    cursors = {}
    with driver.pipeline():
        for name, (sql, parameters) in compiled.items():
            cursors[name] = driver.cursor(row_factory=namedtuple_row)
            cursors[name].execute(sql, parameters)
    try:
        return {name: cursor.fetchall() for name, cursor in cursors.items()}
    finally:
        for cursor in cursors.values():
            cursor.close()
