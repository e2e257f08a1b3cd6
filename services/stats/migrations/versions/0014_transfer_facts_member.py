"""stats: a member's counted 省内 transfers by member (transfer_facts_member), for counting what a
member counted before a transfer at the organization they left (domain/counters.placed)

Counters written before this revision placed a transferred member's past years under the receiving
organization: after deploying, `python -m services.stats.rebuild` brings them to the recount.

Revision ID: stats_0014_transfer_facts_member
"""
import sqlalchemy as sa
from alembic import op

revision = "stats_0014_transfer_facts_member"
down_revision = "stats_0013_applicant_facts"
S = "stats"


def upgrade():
    op.create_index("transfer_facts_member", "transfer_facts", ["member_id"], schema=S,
                    postgresql_where=sa.text("member_id IS NOT NULL"))


def downgrade():
    op.drop_index("transfer_facts_member", "transfer_facts", schema=S)
