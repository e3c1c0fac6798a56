"""Alembic environment: migrations always run on the connection (and transaction) that
aiscan.store.migrate hands over, never from an ini file."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
