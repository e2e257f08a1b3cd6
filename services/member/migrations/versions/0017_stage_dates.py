"""member: the dates an applicant entered the pipeline's stages (确定为入党积极分子, 列为发展对象, the
accepting 支部大会), carried in the applicant events so the stats service counts 申请人/积极分子/发展对象
at each year end by effective date; filled from the recorded steps (those not taken back)

Revision ID: member_0017_stage_dates
"""
import sqlalchemy as sa
from alembic import op

revision = "member_0017_stage_dates"
down_revision = "member_0016_merge"
S = "member"
COLUMNS = {"activist_on": "activist", "candidate_on": "candidate", "joined_on": "branch_meeting"}


def upgrade():
    for column in COLUMNS:
        op.add_column("applicants", sa.Column(column, sa.Date), schema=S)
    for column, step in COLUMNS.items():
        # joined_on only for the accepted (the 支部大会 alone does not make a 预备党员)
        accepted = "AND a.member_id IS NOT NULL" if column == "joined_on" else ""
        op.execute(f"""
            UPDATE member.applicants a SET {column} = s.on
            FROM (SELECT applicant_id, max("on") AS on FROM member.development_steps
                  WHERE step = '{step}' AND undone_at IS NULL GROUP BY applicant_id) s
            WHERE s.applicant_id = a.id {accepted}""")


def downgrade():
    for column in COLUMNS:
        op.drop_column("applicants", column, schema=S)
