"""the active volunteers' towns and rule columns in one small index

Matching reads the active volunteers town by town, nearest first, each town's in id order,
with the columns its rules check (on call, gender, means of travel, how far they travel).
ix_volunteer_profiles_active, a partial index over the active volunteers keyed by town and
id and holding exactly those columns, lets the database answer that from the index alone
instead of reading the whole table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 18:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE = "status = 'active'"


def upgrade():
    with op.batch_alter_table("volunteer_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_volunteer_profiles_active",
            ["municipality_id", "id", "on_call", "gender", "mobility", "max_distance_km"],
            unique=False,
            postgresql_where=sa.text(ACTIVE),
            sqlite_where=sa.text(ACTIVE),
        )


def downgrade():
    with op.batch_alter_table("volunteer_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_volunteer_profiles_active")
