"""matching and the assignment workflow

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 12:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_waves", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("waves_sent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("next_wave_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("unfilled_alert_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("feedback", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("feedback_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("feedback_by_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_requests_next_wave_at", ["next_wave_at"], unique=False)
        batch_op.create_foreign_key(
            "fk_requests_feedback_by_id_users",
            "users",
            ["feedback_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "origin",
                sa.Enum(
                    "proposal",
                    "direct",
                    "volunteer",
                    name="assignmentorigin",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
                server_default="proposal",
            )
        )
        batch_op.add_column(sa.Column("starts_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("ends_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("wave", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("nonce", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("km", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("outcome_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("outcome_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", UTC_DATETIME, nullable=True))
        batch_op.create_foreign_key(
            "fk_assignments_outcome_by_id_users",
            "users",
            ["outcome_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            "ck_assignments_ends_after_start",
            "(starts_at IS NULL AND ends_at IS NULL) OR ends_at > starts_at",
        )
        batch_op.create_index(
            "ix_assignments_profile_state_starts",
            ["profile_id", "state", "starts_at"],
            unique=False,
        )

    with op.batch_alter_table("volunteer_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_phone", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("calendar_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            "uq_volunteer_profiles_calendar_token", ["calendar_token"]
        )

    # PostgreSQL only, as in the models: no two overlapping accepted assignments of one
    # volunteer; half-open ranges, so back-to-back appointments do not clash. A flexible
    # window (no time) takes no part: tstzrange(NULL, NULL) would clash with everything.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE assignments ADD CONSTRAINT ex_assignments_no_overlap "
            "EXCLUDE USING gist (profile_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (state = 'accepted' AND starts_at IS NOT NULL)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE assignments DROP CONSTRAINT ex_assignments_no_overlap")

    with op.batch_alter_table("volunteer_profiles", schema=None) as batch_op:
        batch_op.drop_constraint("uq_volunteer_profiles_calendar_token", type_="unique")
        batch_op.drop_column("calendar_token")
        batch_op.drop_column("share_phone")

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_profile_state_starts")
        batch_op.drop_constraint("ck_assignments_ends_after_start", type_="check")
        batch_op.drop_constraint("fk_assignments_outcome_by_id_users", type_="foreignkey")
        for name in (
            "reminded_at",
            "outcome_by_id",
            "outcome_at",
            "km",
            "nonce",
            "wave",
            "ends_at",
            "starts_at",
            "origin",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_requests_feedback_by_id_users", type_="foreignkey")
        batch_op.drop_index("ix_requests_next_wave_at")
        for name in (
            "feedback_by_id",
            "feedback_at",
            "feedback",
            "unfilled_alert_at",
            "next_wave_at",
            "waves_sent",
            "auto_waves",
        ):
            batch_op.drop_column(name)
