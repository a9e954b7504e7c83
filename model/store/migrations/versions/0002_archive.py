"""Finalising and the archive: revision number, time of finalising, archive folder of a report.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("revision_no", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("finalized_at", sa.DateTime))
        batch.add_column(sa.Column("archive_dir", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("archive_dir")
        batch.drop_column("finalized_at")
        batch.drop_column("revision_no")
