"""Shards and finding lifecycle: scans.shard, findings.first_seen and a fingerprint index.

A v1 store's findings get first_seen from their scan's start, which is what v1 could know.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scans", sa.Column("shard", sa.String(32), nullable=True))
    op.add_column("findings", sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE findings SET first_seen = "
        "(SELECT scans.started FROM scans WHERE scans.id = findings.scan_id)"
    )
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_findings_fingerprint", "findings")
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("first_seen")
    with op.batch_alter_table("scans") as batch:
        batch.drop_column("shard")
