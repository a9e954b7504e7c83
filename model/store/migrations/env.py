"""Alembic environment, run only programmatically by :func:`model.store.db.check_and_upgrade` (no alembic.ini).

The caller hands over an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from model.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs the alembic CLI by hand
    raise SystemExit("model.store migrations run from the program (model.store.db), not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
