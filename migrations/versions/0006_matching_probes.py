"""covering indexes for the matching rules checked volunteer by volunteer

The narrowing of wirnet/matching/narrowing.py asks, for each volunteer it reads, whether
they speak the language at a level, hold a qualification, have a weekly slot covering the
time, are away that day, or are booked then. Each of these indexes answers its question
from the index alone, without reading the table's row:

- ix_language_skills_profile_code_rank (profile_id, code, level_rank), new;
- ix_qualifications_profile_type_state_expiry (profile_id, type_id, state, expires_on), new;
- ix_availability_slots_weekday gains starts_at and ends_at;
- ix_absences_profile_days (profile_id, starts_on, ends_on), new;
- ix_assignments_profile_state_starts gains ends_at and request_id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:40:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("language_skills", schema=None) as batch_op:
        batch_op.create_index(
            "ix_language_skills_profile_code_rank",
            ["profile_id", "code", "level_rank"],
            unique=False,
        )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_qualifications_profile_type_state_expiry",
            ["profile_id", "type_id", "state", "expires_on"],
            unique=False,
        )
    with op.batch_alter_table("availability_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_slots_weekday")
        batch_op.create_index(
            "ix_availability_slots_weekday",
            ["weekday", "profile_id", "starts_at", "ends_at"],
            unique=False,
        )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_absences_profile_days", ["profile_id", "starts_on", "ends_on"], unique=False
        )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_profile_state_starts")
        batch_op.create_index(
            "ix_assignments_profile_state_starts",
            ["profile_id", "state", "starts_at", "ends_at", "request_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_profile_state_starts")
        batch_op.create_index(
            "ix_assignments_profile_state_starts",
            ["profile_id", "state", "starts_at"],
            unique=False,
        )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index("ix_absences_profile_days")
    with op.batch_alter_table("availability_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_slots_weekday")
        batch_op.create_index(
            "ix_availability_slots_weekday", ["weekday", "profile_id"], unique=False
        )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index("ix_qualifications_profile_type_state_expiry")
    with op.batch_alter_table("language_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_language_skills_profile_code_rank")
