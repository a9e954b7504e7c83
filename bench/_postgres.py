"""The PostgreSQL test database for the benchmarks (``NIANBAO_TEST_PG_URL``), emptied before use."""

from __future__ import annotations

import os


def fresh_postgres() -> tuple[str | None, dict | None]:
    """``(url, None)`` with the ``public`` schema dropped and recreated, or ``(None, why)`` when the variable
    is not set or the server cannot be reached."""
    url = os.environ.get("NIANBAO_TEST_PG_URL")
    if not url:
        return None, {"skipped": "NIANBAO_TEST_PG_URL is not set"}
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as err:
        return None, {"error": f"PostgreSQL not reachable: {err.__class__.__name__}"}
    return url, None
