"""Where a final report's archive is: the computer (host name) and the archive root it was written on — on a
shared PostgreSQL server each machine keeps its own archive folder.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("archive_host", sa.String(255)))
        batch.add_column(sa.Column("archive_root", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("archive_root")
        batch.drop_column("archive_host")
