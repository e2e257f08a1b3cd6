"""Several independent reads in one round trip to PostgreSQL (psycopg's pipeline mode).

Under a year-end burst every statement's round trip waits for a database backend's turn on a
busy core, and a report's view made a dozen of them, one after the other. Reads that do not
depend on each other's results are sent together here and their answers read together: one
wait instead of many. They run in the session's transaction, so in a REPEATABLE READ session
(store.snapshot) they all see its one snapshot.

Parameters go to psycopg as they are (SQLAlchemy's bind processors are not applied): plain
numbers, text, None and lists of them, what these reads take.

Each statement's SQL is compiled once and kept under SQLAlchemy's cache key of the statement (what
`Connection.execute` does too; its literal values are the key's extracted parameters): compiling
a report view's reads again on every request cost ~40 µs each, ~0.4 ms a view.
"""
from collections import OrderedDict

from psycopg.rows import namedtuple_row
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

KEEP = 500  # compiled statements kept (a process's distinct reads are a few dozen)
_compiled: OrderedDict = OrderedDict()


def compiled_sql(statement: Executable, dialect, parameters: dict | None) -> tuple[str, dict]:
    """(the SQL psycopg runs, its parameters) of `statement` with `parameters`."""
    key = statement._generate_cache_key()  # None: a statement SQLAlchemy cannot cache either
    kept = _compiled.get((dialect.name, key.key)) if key is not None else None
    if kept is None:
        # render_postcompile: an IN list becomes one parameter per element, as SQLAlchemy sends it;
        # its SQL then depends on the list's length, so such a statement is not kept.
        kept = statement.compile(dialect=dialect, cache_key=key, compile_kwargs={"render_postcompile": True})
        if key is not None and not kept.post_compile_params:
            _compiled[(dialect.name, key.key)] = kept
            while len(_compiled) > KEEP:
                _compiled.popitem(last=False)
    else:
        _compiled.move_to_end((dialect.name, key.key))
    return kept.string, kept.construct_params(parameters, extracted_parameters=key[1] if key is not None else None)


def read_together(session: Session, reads: dict[str, Executable | tuple[Executable, dict]]) -> dict[str, list]:
    """{name: statement or (statement, parameters)} → {name: its rows (attributes by column name)}."""
    connection = session.connection()
    compiled = {}
    for name, read in reads.items():
        statement, parameters = read if isinstance(read, tuple) else (read, None)
        compiled[name] = compiled_sql(statement, connection.dialect, parameters)
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
