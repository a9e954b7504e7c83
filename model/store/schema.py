"""The tables (SQLAlchemy Core). A cell is stored generically by its key from :mod:`model.form`, so a new
edition of the official form needs no new table. Changing anything here needs a new Alembic migration in
``migrations/versions``."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organs = sa.Table(
    "organs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("code", sa.String(64)),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("organs.id", ondelete="SET NULL")),
)

reports = sa.Table(
    "reports",
    metadata,
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
    # added by revision 0002
    sa.Column("revision_no", sa.Integer, nullable=False, server_default="1"),
    sa.Column("finalized_at", sa.DateTime),
    sa.Column("archive_dir", sa.Text),
    # added by revision 0003: the computer (host name) and archive root the archive folder was written on
    sa.Column("archive_host", sa.String(255)),
    sa.Column("archive_root", sa.Text),
    sa.UniqueConstraint("organ_id", "year", name="uq_reports_organ_year"),
)

cells = sa.Table(
    "cells",
    metadata,
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(80), primary_key=True),
    # "/" or the number as written ("3", "0.35"); a blank cell has no row
    sa.Column("value", sa.String(40), nullable=False),
    # the number, for sums in SQL (NULL for "/")
    sa.Column("num", sa.Numeric(20, 4, asdecimal=False)),
)

texts = sa.Table(
    "texts",
    metadata,
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("section", sa.String(32), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
)

explanations = sa.Table(
    "explanations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("rule", sa.String(120), nullable=False),
    # JSON list of the finding's cells
    sa.Column("cells", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    # cell / text / meta / explanation / status / create / restore
    sa.Column("what", sa.String(16), nullable=False),
    sa.Column("key", sa.Text),
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    # the report's version after this change
    sa.Column("version", sa.Integer, nullable=False),
    # added by revision 0004: who made the change (user@computer)
    sa.Column("by", sa.String(255)),
    sa.Index("ix_revisions_report_version", "report_id", "version"),
)

# added by revision 0004: the SHA-256 of every file of an archive folder (the manifest included), recorded at
# finalising and when a file joins the folder; ``folder`` as stored in ``reports.archive_dir``
archive_files = sa.Table(
    "archive_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("folder", sa.Text, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger),
)
