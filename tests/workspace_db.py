"""Databases for the workspace tests: a fresh SQLite file, and a fresh PostgreSQL database
when ``PROOFDECK_TEST_POSTGRES_URL`` names a server (.ci/run starts one from Debian's packages;
.ci/postgres shows how). Without it the PostgreSQL cases skip, saying why."""

from __future__ import annotations

import os
import secrets

import pytest

POSTGRES_ENV = "PROOFDECK_TEST_POSTGRES_URL"


def sqlite_url(folder) -> str:
    return f"sqlite:///{folder / 'workspace.sqlite3'}"


def postgres_database():
    """A new, empty PostgreSQL database (yields its URL; dropped afterwards), or a skip."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/run starts one with .ci/postgres)")
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"proofdeck_{secrets.token_hex(6)}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"the PostgreSQL server at {POSTGRES_ENV} cannot be reached: {type(error).__name__}")
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each storage test runs on SQLite, and on PostgreSQL where a server is configured."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        yield from postgres_database()
