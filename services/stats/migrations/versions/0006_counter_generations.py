"""stats: counter generations — a number per organization that changes whenever any of its
folded counters do (statement triggers on stats.counters, so every writer is covered: the
compactor, a bulk load, a repair by hand). A report's reading of the folded counters can then
be kept and reused while the generation stands (services/stats/counter_cache.py).

Revision ID: stats_0006
"""
from alembic import op

revision = "stats_0006"
down_revision = "stats_0005"

BUMP = """
CREATE FUNCTION stats.bump_counter_generations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats.counter_generations AS g (org_id, generation)
    SELECT DISTINCT org_id, 1 FROM changed
    ON CONFLICT (org_id) DO UPDATE SET generation = g.generation + 1;
    RETURN NULL;
END $$
"""
# A trigger with a transition table serves one event; the function reads it as "changed".
EVENTS = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}


def upgrade():
    op.execute("CREATE TABLE stats.counter_generations (org_id bigint PRIMARY KEY, generation bigint NOT NULL)")
    op.execute(BUMP)
    for event, transition in EVENTS.items():
        op.execute(f"CREATE TRIGGER counters_generation_{event.lower()} AFTER {event} ON stats.counters "
                   f"REFERENCING {transition} TABLE AS changed FOR EACH STATEMENT "
                   "EXECUTE FUNCTION stats.bump_counter_generations()")
    op.execute("INSERT INTO stats.counter_generations (org_id, generation) "
               "SELECT DISTINCT org_id, 1 FROM stats.counters")


def downgrade():
    for event in EVENTS:
        op.execute(f"DROP TRIGGER counters_generation_{event.lower()} ON stats.counters")
    op.execute("DROP FUNCTION stats.bump_counter_generations()")
    op.execute("DROP TABLE stats.counter_generations")
