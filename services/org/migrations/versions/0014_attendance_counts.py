"""org: members present and members listed on the meetings (attendees + absentees), kept with the held
counts per organization, year and kind, so the subtree's summary gives attendance rates without a scan;
filled from the records kept so far (not voided)

Revision ID: org_0014_attendance_counts
"""
import sqlalchemy as sa
from alembic import op

revision = "org_0014_attendance_counts"
down_revision = "org_0013_evaluations"
S = "org"


def upgrade():
    op.add_column("meeting_counts", sa.Column("attended", sa.Integer, nullable=False, server_default="0"), schema=S)
    op.add_column("meeting_counts", sa.Column("listed", sa.Integer, nullable=False, server_default="0"), schema=S)
    op.execute("""
        UPDATE org.meeting_counts c SET attended = s.attended, listed = s.listed FROM (
            SELECT m.org_id, m.year, m.kind, count(*) FILTER (WHERE p.attended) AS attended, count(*) AS listed
            FROM org.meeting_people p JOIN org.meetings m ON m.id = p.meeting_id
            WHERE m.voided_at IS NULL GROUP BY 1, 2, 3) s
        WHERE c.org_id = s.org_id AND c.year = s.year AND c.kind = s.kind""")


def downgrade():
    op.drop_column("meeting_counts", "listed", schema=S)
    op.drop_column("meeting_counts", "attended", schema=S)
