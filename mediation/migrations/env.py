"""Alembic's environment: migrations run on the connection ``mediation.migrate`` hands over
(inside its transaction), never on a URL of their own. SQLite gets batch mode, for the
changes it cannot make with ALTER TABLE."""

from alembic import context

from mediation.migrate import target_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata(),
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
