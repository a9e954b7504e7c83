"""Organs, reports, cells by key, prose, explanations, revision history.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(64)),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("organs.id", ondelete="SET NULL")),
        sa.UniqueConstraint("name", name="uq_organs_name"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organ_id", sa.Integer, sa.ForeignKey("organs.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("template", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False, server_default="draft"),
        sa.Column("agency", sa.String(200), nullable=False, server_default=""),
        sa.Column("title", sa.Text),
        sa.Column("date", sa.String(10)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("organ_id", "year", name="uq_reports_organ_year"),
    )
    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.String(40), nullable=False),
        sa.Column("num", sa.Numeric(20, 4, asdecimal=False)),
    )
    op.create_table(
        "texts",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("section", sa.String(32), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "explanations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("cells", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_explanations_report_id", "explanations", ["report_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("what", sa.String(16), nullable=False),
        sa.Column("key", sa.Text),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_revisions_report_version", "revisions", ["report_id", "version"])


def downgrade() -> None:
    for name in ("revisions", "explanations", "texts", "cells", "reports", "organs"):
        op.drop_table(name)
