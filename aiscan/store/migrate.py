"""Bring a store's schema to the newest revision with Alembic, programmatically, on open.

The revisions live in aiscan/store/migrations/versions and ship with the package. A store whose
revision this aiscan does not know (written by a newer aiscan) is refused rather than guessed at.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from aiscan.store.base import StoreError

#: Any constant: it names the PostgreSQL advisory lock that serialises migrations.
_PG_LOCK = 0x616973636E


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "aiscan.store:migrations")
    return cfg


def head() -> str:
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in place to `revision` (tests stop at an old one to build an old store)."""
    cfg = config()
    script = ScriptDirectory.from_config(cfg)
    target = script.get_current_head() if revision == "head" else revision
    found = current(engine)
    if found == target:
        return  # the common case takes no lock, so readers never wait for a migration
    if found is not None and found not in {s.revision for s in script.walk_revisions()}:
        raise StoreError(
            f"the store's schema revision {found!r} is newer than this aiscan knows; upgrade aiscan"
        )
    with engine.connect().execution_options(aiscan_write=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
