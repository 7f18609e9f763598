"""Alembic's environment for the workspace: run on a connection the server hands in
(``Workspace.upgrade``), or from the command line with ``alembic -c proofdeck/workspace/alembic.ini``."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from proofdeck.workspace.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.begin() as connected:
        context.configure(connection=connected, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
