"""The SQLAlchemy store: one code path for SQLite and PostgreSQL.

Writers are serialised by the database, not by us: SQLite takes its write lock when the save
transaction begins (BEGIN IMMEDIATE, waiting up to the busy timeout for another writer), and
PostgreSQL needs no lock at all because two scans never share a row. Migrations take a lock of
their own (SQLite's write lock, a PostgreSQL advisory lock) so two processes opening a fresh store
at once do not both create it.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from aiscan.core.model import (
    Asset,
    BaselineInfo,
    Coverage,
    Evaluation,
    Finding,
    Relation,
    RelationType,
    ScanInfo,
    ScanResult,
    ToolInfo,
    WaiverNotice,
)
from aiscan.store import schema
from aiscan.store.base import StoredScan, StoreError
from aiscan.store.migrate import upgrade

#: Seconds a SQLite writer waits for another writer (two shards finishing together).
SQLITE_BUSY_TIMEOUT = 120
#: Fingerprints per lifecycle query (well under SQLite's and PostgreSQL's parameter limits).
_CHUNK = 500
#: Test hook: "TABLE:PATH" makes a save pause inside its transaction after writing TABLE's rows,
#: once it has created PATH, so a test can kill the process mid-transaction (or, with
#: PAUSE_SECONDS_ENV, let another writer run into the open transaction).
PAUSE_ENV = "AISCAN_TEST_STORE_PAUSE"
PAUSE_SECONDS_ENV = "AISCAN_TEST_STORE_PAUSE_SECONDS"

_WRITE = {"aiscan_write": True}


def engine_url(url: str) -> str:
    """A plain path is SQLite; postgres:// and postgresql:// use psycopg (version 3)."""
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser())
    scheme, _, rest = url.partition("://")
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg://" + rest
    return url


def open_store(url: str) -> Store:
    """Open (and create or upgrade in place) the store at `url`."""
    try:
        parsed = make_url(engine_url(url))
    except ArgumentError as exc:
        raise StoreError(f"invalid store URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise StoreError("a SQLite store needs a file path (an in-memory store forgets)")
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
        _sqlite_transactions(engine)
    elif backend == "postgresql":
        engine = create_engine(parsed, pool_pre_ping=True)
    else:
        raise StoreError(
            f"unsupported store {parsed.drivername!r}: use a file path, sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        )
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open store: {_reason(exc)}") from None
    except StoreError:
        engine.dispose()
        raise
    return Store(engine)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (the documented
    recipe), and begin writes IMMEDIATE so a writer waits for the lock instead of failing later."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT * 1000}")
        _wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("aiscan_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _wal(cursor: Any) -> None:
    """Switch to WAL so readers are not blocked by a writer. Two processes switching a fresh file
    at once make one fail with "database is locked" at once: SQLite does not call the busy
    handler for that lock, so we wait for it ourselves, within the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's message without SQLAlchemy's SQL echo and help links."""
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0][:300]


def _utc(moment: datetime) -> datetime:
    """Aware UTC; a naive time (e.g. from SQLite, which keeps no zone) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def new_scan_id(started: datetime) -> str:
    """Sortable by time and readable in `aiscan history`; the random tail keeps shards apart."""
    return f"{_utc(started):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def _clouds(result: ScanResult) -> tuple[str, ...]:
    listed = result.scan.scope.get("clouds")
    if isinstance(listed, list) and all(isinstance(c, str) for c in listed):
        return tuple(listed)
    return tuple(sorted({c.cloud.value for c in result.coverage}))


def _pause_for_test(table: str) -> None:
    spec = os.environ.get(PAUSE_ENV, "")
    name, sep, path = spec.partition(":")
    if sep and name == table:
        Path(path).write_text("paused\n", encoding="utf-8")
        time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "3600")))


class Store:
    """Scans stored whole; see the package docstring."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def url(self) -> str:
        return self._engine.url.render_as_string(hide_password=True)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.connect().execution_options(**_WRITE) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write store: {_reason(exc)}") from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read store: {_reason(exc)}") from None

    def save(self, result: ScanResult, *, exit_code: int, shard: str | None = None) -> str:
        """Store the whole result in one transaction and return its scan id."""
        scan_id = new_scan_id(result.scan.started)
        started = _utc(result.scan.started)
        if shard is None:
            recorded = result.scan.scope.get("shard")
            shard = str(recorded) if recorded is not None else None
        header = {
            "id": scan_id,
            "started": started,
            "finished": _utc(result.scan.finished),
            "stored_at": datetime.now(UTC),
            "schema_version": result.schema_version,
            "tool": result.tool.model_dump_json(),
            "info": result.scan.model_dump_json(),
            "scope": json.dumps(result.scan.scope, sort_keys=True, default=str),
            "clouds": ",".join(_clouds(result)),
            "assets": len(result.assets),
            "findings": len(result.findings),
            "incomplete_scopes": len(result.incomplete_scopes),
            "exit_code": exit_code,
            "waivers": json.dumps([w.model_dump(mode="json") for w in result.waivers]),
            "baseline": result.baseline.model_dump_json() if result.baseline else None,
            "shard": shard,
        }
        rows: dict[str, list[dict[str, Any]]] = {
            "assets": [
                {
                    "scan_id": scan_id,
                    "seq": i,
                    "asset_id": a.id,
                    "cloud": a.cloud.value,
                    "account": a.account,
                    "kind": a.kind.value,
                    "data": a.model_dump_json(),
                }
                for i, a in enumerate(result.assets)
            ],
            "relations": [
                {
                    "scan_id": scan_id,
                    "seq": i,
                    "source": r.source,
                    "type": r.type.value,
                    "target": r.target,
                }
                for i, r in enumerate(result.relations)
            ],
            "coverage": [
                {
                    "scan_id": scan_id,
                    "seq": i,
                    "status": c.status.value,
                    "data": c.model_dump_json(),
                }
                for i, c in enumerate(result.coverage)
            ],
            "findings": [
                {
                    "scan_id": scan_id,
                    "seq": i,
                    "fingerprint": f.fingerprint,
                    "rule_id": f.rule_id,
                    "asset_id": f.asset_id,
                    "severity": f.severity.value,
                    "suppressed": f.suppressed,
                    "first_seen": _utc(f.first_seen) if f.first_seen else started,
                    "data": f.model_dump_json(),
                }
                for i, f in enumerate(result.findings)
            ],
            "evaluations": [
                {"scan_id": scan_id, "seq": i, "data": e.model_dump_json()}
                for i, e in enumerate(result.evaluations)
            ],
        }
        with self._write() as conn:
            conn.execute(schema.scans.insert(), [header])
            _pause_for_test("scans")
            for table in schema.CHILDREN:
                if rows[table.name]:
                    conn.execute(table.insert(), rows[table.name])
                _pause_for_test(table.name)
        return scan_id

    def scans(self, limit: int | None = None) -> list[StoredScan]:
        """Stored scans, newest first."""
        t = schema.scans
        query = select(
            t.c.id,
            t.c.started,
            t.c.finished,
            t.c.scope,
            t.c.clouds,
            t.c.assets,
            t.c.findings,
            t.c.incomplete_scopes,
            t.c.exit_code,
            t.c.shard,
        ).order_by(t.c.started.desc(), t.c.stored_at.desc(), t.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            StoredScan(
                id=r.id,
                started=_utc(r.started),
                finished=_utc(r.finished),
                scope=json.loads(r.scope),
                clouds=tuple(c for c in r.clouds.split(",") if c),
                assets=r.assets,
                findings=r.findings,
                incomplete_scopes=r.incomplete_scopes,
                exit_code=r.exit_code,
                shard=r.shard,
            )
            for r in rows
        ]

    def load(self, scan_id: str) -> ScanResult:
        """The stored result, equal to what was saved. `scan_id` may be a unique prefix of an id
        (as typed from `aiscan history`); StoreError when no scan, or several, match."""
        with self._read() as conn:
            header = self._header(conn, scan_id)
            scan_id = header.id

            def data(table: Any) -> Sequence[Any]:
                query = select(table).where(table.c.scan_id == scan_id).order_by(table.c.seq)
                return conn.execute(query).all()

            assets = tuple(Asset.model_validate_json(r.data) for r in data(schema.assets))
            relations = tuple(
                Relation(source=r.source, type=RelationType(r.type), target=r.target)
                for r in data(schema.relations)
            )
            coverage = tuple(Coverage.model_validate_json(r.data) for r in data(schema.coverage))
            findings = tuple(Finding.model_validate_json(r.data) for r in data(schema.findings))
            evaluations = tuple(
                Evaluation.model_validate_json(r.data) for r in data(schema.evaluations)
            )
        return ScanResult(
            schema_version=header.schema_version,
            tool=ToolInfo.model_validate_json(header.tool),
            scan=ScanInfo.model_validate_json(header.info),
            assets=assets,
            relations=relations,
            coverage=coverage,
            findings=findings,
            evaluations=evaluations,
            waivers=tuple(WaiverNotice.model_validate(w) for w in json.loads(header.waivers)),
            baseline=BaselineInfo.model_validate_json(header.baseline) if header.baseline else None,
        )

    @staticmethod
    def _header(conn: Connection, scan_id: str) -> Any:
        t = schema.scans
        exact = conn.execute(select(t).where(t.c.id == scan_id)).one_or_none()
        if exact is not None:
            return exact
        matches: Sequence[Any] = ()
        if scan_id:
            escaped = scan_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            prefix = t.c.id.like(escaped + "%", escape="\\")
            matches = conn.execute(select(t).where(prefix).limit(2)).all()
        if len(matches) > 1:
            raise StoreError(f"{scan_id!r} names more than one stored scan; give more of the id")
        if not matches:
            raise StoreError(f"no scan {scan_id!r} in the store")
        return matches[0]

    def lifecycle(self, fingerprints: Iterable[str]) -> dict[str, tuple[datetime, datetime]]:
        """fingerprint -> (first seen, last seen) over the stored scans; absent if never seen.

        First seen survives retention: each stored finding carries the first-seen time it had
        when it was saved, so pruning old scans does not make an old finding look new."""
        wanted = sorted(set(fingerprints))
        f, s = schema.findings, schema.scans
        out: dict[str, tuple[datetime, datetime]] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), _CHUNK):
                query = (
                    select(
                        f.c.fingerprint,
                        func.min(func.coalesce(f.c.first_seen, s.c.started)),
                        func.max(s.c.started),
                    )
                    .join(s, s.c.id == f.c.scan_id)
                    .where(f.c.fingerprint.in_(wanted[i : i + _CHUNK]))
                    .group_by(f.c.fingerprint)
                )
                for fp, first, last in conn.execute(query):
                    out[fp] = (_utc(first), _utc(last))
        return out

    def prune(self, keep_days: int, *, now: datetime | None = None) -> int:
        """Delete the scans that started more than `keep_days` days before `now`; how many."""
        if keep_days < 0:
            raise StoreError("--keep-days must be 0 or more")
        cutoff = _utc(now or datetime.now(UTC)) - timedelta(days=keep_days)
        old = select(schema.scans.c.id).where(schema.scans.c.started < cutoff)
        with self._write() as conn:
            # Children first: a SQLite store opened without foreign keys must not keep orphans.
            for table in reversed(schema.CHILDREN):
                conn.execute(delete(table).where(table.c.scan_id.in_(old)))
            removed = conn.execute(delete(schema.scans).where(schema.scans.c.id.in_(old)))
        return removed.rowcount

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
