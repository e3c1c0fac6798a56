"""The store's tables at the newest schema revision (the migrations build exactly these).

Each row keeps the model's own JSON (`data`) so a stored scan loads back equal to what was saved;
the other columns are there to be queried (history, lifecycle, retention) without parsing JSON.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


def _scan_fk() -> Column[str]:
    return Column(
        "scan_id",
        String(64),
        ForeignKey("scans.id", ondelete="CASCADE"),
        primary_key=True,
    )


scans = Table(
    "scans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("started", DateTime(timezone=True), nullable=False, index=True),
    Column("finished", DateTime(timezone=True), nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    Column("schema_version", String(16), nullable=False),
    Column("tool", Text, nullable=False),
    Column("info", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("clouds", Text, nullable=False),
    Column("assets", Integer, nullable=False),
    Column("findings", Integer, nullable=False),
    Column("incomplete_scopes", Integer, nullable=False),
    Column("exit_code", Integer, nullable=False),
    Column("waivers", Text, nullable=False),
    Column("baseline", Text, nullable=True),
    Column("shard", String(32), nullable=True),
)

assets = Table(
    "assets",
    metadata,
    _scan_fk(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("asset_id", Text, nullable=False),
    Column("cloud", String(16), nullable=False),
    Column("account", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("data", Text, nullable=False),
)

relations = Table(
    "relations",
    metadata,
    _scan_fk(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("source", Text, nullable=False),
    Column("type", String(32), nullable=False),
    Column("target", Text, nullable=False),
)

coverage = Table(
    "coverage",
    metadata,
    _scan_fk(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),
    Column("data", Text, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    _scan_fk(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("fingerprint", String(64), nullable=False),
    Column("rule_id", String(64), nullable=False),
    Column("asset_id", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("suppressed", Boolean, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=True),
    Column("data", Text, nullable=False),
)
Index("ix_findings_fingerprint", findings.c.fingerprint)

evaluations = Table(
    "evaluations",
    metadata,
    _scan_fk(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),
)

#: Children of a scan, in the order they are written (and deleted in reverse).
CHILDREN = (assets, relations, coverage, findings, evaluations)
