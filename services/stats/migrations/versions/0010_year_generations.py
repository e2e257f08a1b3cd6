"""stats: counter generations per organization AND year of change, so a report's reading of the
folded counters is kept for the years a fold did not touch. A year-end burst changes this
year's rows only: the previous year's report and every earlier year's part of this year's stay
as they were read, and a report re-reads just this year's rows of the organization (the root's
~300 instead of ~7,000). See services/stats/counter_cache.py.

Revision ID: stats_0010_year_generations
"""
from alembic import op

revision = "stats_0010_year_generations"
down_revision = "stats_0009_transfer_facts"

BUMP = """
CREATE OR REPLACE FUNCTION stats.bump_counter_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats.counter_generations AS g (org_id, year, generation)
    SELECT DISTINCT org_id, year, 1 FROM changed
    ON CONFLICT (org_id, year) DO UPDATE SET generation = g.generation + 1;
    RETURN NULL;
END $$
"""
BUMP_BY_ORG = """
CREATE OR REPLACE FUNCTION stats.bump_counter_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats.counter_generations AS g (org_id, generation)
    SELECT DISTINCT org_id, 1 FROM changed
    ON CONFLICT (org_id) DO UPDATE SET generation = g.generation + 1;
    RETURN NULL;
END $$
"""


def upgrade():
    # The triggers call the function by name: replacing the table and the function together is
    # enough (one transaction, so no fold sees a half-changed state).
    op.execute("DROP TABLE stats.counter_generations")
    op.execute("CREATE TABLE stats.counter_generations (org_id bigint NOT NULL, year integer NOT NULL, "
               "generation bigint NOT NULL, PRIMARY KEY (org_id, year))")
    op.execute(BUMP)
    op.execute("INSERT INTO stats.counter_generations (org_id, year, generation) "
               "SELECT DISTINCT org_id, year, 1 FROM stats.counters")


def downgrade():
    op.execute("DROP TABLE stats.counter_generations")
    op.execute("CREATE TABLE stats.counter_generations (org_id bigint PRIMARY KEY, generation bigint NOT NULL)")
    op.execute(BUMP_BY_ORG)
    op.execute("INSERT INTO stats.counter_generations (org_id, generation) "
               "SELECT DISTINCT org_id, 1 FROM stats.counters")
