"""Integrity: who made each change (``revisions.by``: user@computer), and the SHA-256 of every archived file
and of each archive folder's manifest (``archive_files``), so that ``archive verify`` checks the archive against
the database, not against the manifest alone.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("by", sa.String(255)))
    op.create_table(
        "archive_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer,
            sa.ForeignKey("reports.id", ondelete="CASCADE", name="fk_archive_files_report_id_reports"),
            nullable=False,
        ),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger),
        sa.PrimaryKeyConstraint("id", name="pk_archive_files"),
    )
    op.create_index("ix_archive_files_report_id", "archive_files", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_archive_files_report_id", "archive_files")
    op.drop_table("archive_files")
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("by")
