"""indexes for the matching query layer

The narrowing of wirnet/matching/narrowing.py starts from one of these and reads nothing
else of the table: who speaks a language (or a variety of it) at a level, who has a weekly
slot covering a time, who holds a qualification type verified and valid on a day.

- ix_language_skills_code_rank gains profile_id (covering) and, on PostgreSQL, the
  text_pattern_ops operator class on code, so that the varieties' prefix LIKE ('ar-%')
  is an index range whatever the database's collation;
- ix_availability_slots_cover (weekday, starts_at, ends_at, profile_id);
- ix_qualifications_type_state_expiry (type_id, state, expires_on, profile_id).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("language_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_language_skills_code_rank")
        batch_op.create_index(
            "ix_language_skills_code_rank",
            ["code", "level_rank", "profile_id"],
            unique=False,
            postgresql_ops={"code": "text_pattern_ops"},
        )
    with op.batch_alter_table("availability_slots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_availability_slots_cover",
            ["weekday", "starts_at", "ends_at", "profile_id"],
            unique=False,
        )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_qualifications_type_state_expiry",
            ["type_id", "state", "expires_on", "profile_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifications_type_state_expiry")
    with op.batch_alter_table("availability_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_slots_cover")
    with op.batch_alter_table("language_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_language_skills_code_rank")
        batch_op.create_index("ix_language_skills_code_rank", ["code", "level_rank"], unique=False)
