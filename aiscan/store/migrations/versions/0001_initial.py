"""The first store schema: scans and their assets, relations, coverage, findings, evaluations.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def _child(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column(
            "scan_id",
            sa.String(64),
            sa.ForeignKey("scans.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        *columns,
    )


def upgrade() -> None:
    op.create_table(
        "scans",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("tool", sa.Text, nullable=False),
        sa.Column("info", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("clouds", sa.Text, nullable=False),
        sa.Column("assets", sa.Integer, nullable=False),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("incomplete_scopes", sa.Integer, nullable=False),
        sa.Column("exit_code", sa.Integer, nullable=False),
        sa.Column("waivers", sa.Text, nullable=False),
        sa.Column("baseline", sa.Text, nullable=True),
    )
    _child(
        "assets",
        sa.Column("asset_id", sa.Text, nullable=False),
        sa.Column("cloud", sa.String(16), nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    _child(
        "relations",
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
    )
    _child(
        "coverage",
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    _child(
        "findings",
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("asset_id", sa.Text, nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    _child("evaluations", sa.Column("data", sa.Text, nullable=False))


def downgrade() -> None:
    for name in ("evaluations", "findings", "coverage", "relations", "assets", "scans"):
        op.drop_table(name)
