"""member: join the member card (0006_member_cards) and combined query (0006_queries) lines of
work, which landed in parallel, into one history again

Revision ID: member_0007
"""
revision = "member_0007"
down_revision = ("member_0006_member_cards", "member_0006_queries")


def upgrade():
    pass


def downgrade():
    pass
