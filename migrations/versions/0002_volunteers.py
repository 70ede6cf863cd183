"""volunteers: profiles, languages, qualifications, availability, conflicts, intake notes, imports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 08:35:22.636797

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "qualification_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "language",
                "health",
                "general",
                name="qualificationcategory",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("validity_months", sa.Integer(), nullable=True),
        sa.Column("evidence_required", sa.Boolean(), nullable=False),
        sa.Column("renewal_window_days", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("police_clearance", sa.Boolean(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_types")),
        sa.UniqueConstraint("key", name=op.f("uq_qualification_types_key")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_import_batches_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "volunteer_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "applicant",
                "active",
                "paused",
                "left",
                name="volunteerstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column(
            "mobility",
            sa.Enum(
                "foot",
                "bicycle",
                "public_transport",
                "car",
                name="mobility",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("max_distance_km", sa.Integer(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum("female", "male", "diverse", name="gender", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("about", sa.Text(), nullable=True),
        sa.Column("in_directory", sa.Boolean(), nullable=False),
        sa.Column("on_call", sa.Boolean(), nullable=False),
        sa.Column("intake_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("intake_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_by_id"],
            ["users.id"],
            name=op.f("fk_volunteer_profiles_intake_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_volunteer_profiles_municipality_id_municipalities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_volunteer_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_volunteer_profiles_user_id")),
    )
    with op.batch_alter_table("volunteer_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_profiles_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_volunteer_profiles_status"), ["status"], unique=False)

    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_absences_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_absences_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "availability_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_availability_slots_ends_after_start")
        ),
        sa.CheckConstraint(
            "weekday >= 0 AND weekday <= 6", name=op.f("ck_availability_slots_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_availability_slots_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_slots")),
    )
    with op.batch_alter_table("availability_slots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_availability_slots_profile_id"), ["profile_id"], unique=False
        )
        batch_op.create_index(
            "ix_availability_slots_weekday", ["weekday", "profile_id"], unique=False
        )

    op.create_table(
        "conflicts_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_conflicts_of_interest_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts_of_interest")),
    )
    with op.batch_alter_table("conflicts_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflicts_of_interest_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "intake_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_intake_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_intake_notes_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_notes")),
    )
    with op.batch_alter_table("intake_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_notes_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "language_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=35), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "native",
                "C2",
                "C1",
                "B2",
                "B1",
                "A2",
                "A1",
                name="languagelevel",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("level_rank", sa.Integer(), nullable=False),
        sa.Column(
            "level_source",
            sa.Enum(
                "self", "tested", "certificate", name="levelsource", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("mediates", sa.Boolean(), nullable=False),
        sa.Column("modes", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_language_skills_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_language_skills")),
        sa.UniqueConstraint("profile_id", "code", name="uq_language_skills_profile_code"),
    )
    with op.batch_alter_table("language_skills", schema=None) as batch_op:
        batch_op.create_index("ix_language_skills_code_rank", ["code", "level_rank"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_language_skills_profile_id"), ["profile_id"], unique=False
        )

    op.create_table(
        "qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "claimed",
                "verified",
                "rejected",
                name="qualificationstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("obtained_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("evidence_seen_on", sa.Date(), nullable=True),
        sa.Column("evidence_dated", sa.Date(), nullable=True),
        sa.Column("evidence_seen_by_id", sa.Integer(), nullable=True),
        sa.Column("relevant_entry", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_qualifications_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_seen_by_id"],
            ["users.id"],
            name=op.f("fk_qualifications_evidence_seen_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_qualifications_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["qualification_types.id"],
            name=op.f("fk_qualifications_type_id_qualification_types"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
    )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qualifications_expires_on"), ["expires_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_qualifications_profile_id"), ["profile_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_qualifications_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_qualifications_type_id"), ["type_id"], unique=False)

    # The volunteer list sorts by lower(display_name), id (see USERS_BY_NAME in the models);
    # PostgreSQL only, as in the models.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_users_display_name_lower",
            "users",
            [sa.text("lower(display_name)"), "id"],
            unique=False,
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_users_display_name_lower", table_name="users")

    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualifications_type_id"))
        batch_op.drop_index(batch_op.f("ix_qualifications_state"))
        batch_op.drop_index(batch_op.f("ix_qualifications_profile_id"))
        batch_op.drop_index(batch_op.f("ix_qualifications_expires_on"))

    op.drop_table("qualifications")
    with op.batch_alter_table("language_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_language_skills_profile_id"))
        batch_op.drop_index("ix_language_skills_code_rank")

    op.drop_table("language_skills")
    with op.batch_alter_table("intake_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_notes_profile_id"))

    op.drop_table("intake_notes")
    with op.batch_alter_table("conflicts_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflicts_of_interest_profile_id"))

    op.drop_table("conflicts_of_interest")
    with op.batch_alter_table("availability_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_slots_weekday")
        batch_op.drop_index(batch_op.f("ix_availability_slots_profile_id"))

    op.drop_table("availability_slots")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_profile_id"))

    op.drop_table("absences")
    with op.batch_alter_table("volunteer_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_profiles_status"))
        batch_op.drop_index(batch_op.f("ix_volunteer_profiles_municipality_id"))

    op.drop_table("volunteer_profiles")
    op.drop_table("import_batches")
    op.drop_table("qualification_types")
