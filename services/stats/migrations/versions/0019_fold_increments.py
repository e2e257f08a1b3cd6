"""stats: what each fold added to the counters of the organizations near the root, so a report kept
from before a fold is brought up to date by reading those increments instead of its organization's
counters again (issue 17: cold = warm; services/stats/counter_cache.py).

- `fold_increments`: one row per counter a fold changed, of organizations at most LOGGED_DEPTH
  levels deep (compaction.py), with the fold's number; the oldest are pruned.
- `fold_log` (one row): the last fold's number, the number up to which increments were pruned, and
  how many statements changed the counters outside a fold (a repair by hand, a bulk load): the
  trigger that moves the counter generations counts those, and a report kept from before one is
  read again whole.

Revision ID: stats_0019_fold_increments
"""
from alembic import op

revision = "stats_0019_fold_increments"
down_revision = "stats_0018_org_units"

BUMP = """
CREATE OR REPLACE FUNCTION stats.bump_counter_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats.counter_generations AS g (org_id, year, generation)
    SELECT DISTINCT org_id, year, 1 FROM changed
    ON CONFLICT (org_id, year) DO UPDATE SET generation = g.generation + 1;
    IF coalesce(current_setting('stats.folding', true), '') <> 'on' AND EXISTS (SELECT 1 FROM changed) THEN
        UPDATE stats.fold_log SET outside = outside + 1;
    END IF;
    RETURN NULL;
END $$
"""
BUMP_BEFORE = """
CREATE OR REPLACE FUNCTION stats.bump_counter_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats.counter_generations AS g (org_id, year, generation)
    SELECT DISTINCT org_id, year, 1 FROM changed
    ON CONFLICT (org_id, year) DO UPDATE SET generation = g.generation + 1;
    RETURN NULL;
END $$
"""


def upgrade():
    op.execute("CREATE TABLE stats.fold_increments (fold_no bigint NOT NULL, org_id bigint NOT NULL, "
               "dimension text NOT NULL, value text NOT NULL, year integer NOT NULL, n bigint NOT NULL)")
    op.execute("CREATE INDEX fold_increments_org ON stats.fold_increments (org_id, fold_no)")
    op.execute("CREATE INDEX fold_increments_fold ON stats.fold_increments (fold_no)")
    op.execute("CREATE TABLE stats.fold_log (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), "
               "fold_no bigint NOT NULL DEFAULT 0, kept_after bigint NOT NULL DEFAULT 0, "
               "outside bigint NOT NULL DEFAULT 0)")
    op.execute("INSERT INTO stats.fold_log DEFAULT VALUES")
    op.execute(BUMP)


def downgrade():
    op.execute(BUMP_BEFORE)
    op.execute("DROP TABLE stats.fold_log")
    op.execute("DROP TABLE stats.fold_increments")
