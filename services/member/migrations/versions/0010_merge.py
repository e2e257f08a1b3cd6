"""member: join the basic-information history and pinyin sort key (0008_basic_history,
0009_name_sort) and the organization directory (0008_org_directory), which landed in parallel,
into one history again

Revision ID: member_0010
"""
revision = "member_0010"
down_revision = ("member_0009_name_sort", "member_0008_org_directory")


def upgrade():
    pass


def downgrade():
    pass
