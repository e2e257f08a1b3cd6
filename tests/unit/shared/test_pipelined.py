"""services/shared/pipelined.compiled_sql: a read's SQL compiled once, its values taken each time."""
from sqlalchemy import any_, select, text
from sqlalchemy.dialects import postgresql

from services.shared import pipelined
from services.stats.models import counter_generations, orgs

DIALECT = postgresql.psycopg.dialect()


def fresh(statement, parameters=None):
    found = statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
    return found.string, found.construct_params(parameters)


def by_id(org_id):
    return select(orgs.c.path).where(orgs.c.id == org_id, orgs.c.path != "")


def test_a_kept_statement_takes_each_reads_own_values():
    pipelined._compiled.clear()
    first = pipelined.compiled_sql(by_id(7), DIALECT, None)
    assert len(pipelined._compiled) == 1
    second = pipelined.compiled_sql(by_id(9), DIALECT, None)
    assert len(pipelined._compiled) == 1  # the same statement: compiled once
    assert first == fresh(by_id(7)) and second == fresh(by_id(9))
    assert second[1] != first[1]


def test_text_with_parameters_and_arrays():
    pipelined._compiled.clear()
    read = text("SELECT 1 FROM stats.orgs WHERE id = ANY(CAST(:ids AS bigint[])) AND path = :path")
    for ids, path in (([1, 2], "1/"), ([3], "1/3/")):
        assert pipelined.compiled_sql(read, DIALECT, {"ids": ids, "path": path}) == \
            fresh(read, {"ids": ids, "path": path})
    statement = select(counter_generations.c.org_id).where(counter_generations.c.org_id == any_([1, 2]))
    assert pipelined.compiled_sql(statement, DIALECT, None)[1] == fresh(statement)[1]
    other = select(counter_generations.c.org_id).where(counter_generations.c.org_id == any_([5, 6, 7]))
    assert pipelined.compiled_sql(other, DIALECT, None) == fresh(other)


def test_in_lists_are_compiled_for_their_length_every_time():
    pipelined._compiled.clear()
    for ids in ([1], [1, 2, 3], [4, 5]):
        statement = select(orgs.c.id).where(orgs.c.id.in_(ids))
        assert pipelined.compiled_sql(statement, DIALECT, None) == fresh(statement)
    assert not pipelined._compiled


def test_the_kept_statements_are_bounded(monkeypatch):
    pipelined._compiled.clear()
    monkeypatch.setattr(pipelined, "KEEP", 3)
    for n in range(10):
        pipelined.compiled_sql(text(f"SELECT {n}"), DIALECT, None)
    assert len(pipelined._compiled) == 3
