"""The scan store on SQLite and on a real PostgreSQL server: round trip, history, lifecycle,
retention, concurrent writers, a writer killed mid-transaction."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from aiscan.store import StoreError, open_store
from aiscan.store import schema as tables
from aiscan.store.lifecycle import with_lifecycle
from aiscan.store.sql import PAUSE_ENV, PAUSE_SECONDS_ENV, engine_url
from tests.store.conftest import ROOT
from tests.store.results import T0, finding, result


def test_a_scan_loads_back_equal_to_what_was_saved(store_url: str) -> None:
    original = result(7)
    with open_store(store_url) as store:
        scan_id = store.save(original, exit_code=3)
        loaded = store.load(scan_id)
    assert loaded == original
    # Order is part of the result (reports list assets and findings in scan order).
    assert [a.id for a in loaded.assets] == [a.id for a in original.assets]
    assert loaded.findings[-1].suppression is not None
    assert loaded.scan.started == T0


def test_history_is_newest_first_with_counts_exit_code_and_shard(store_url: str) -> None:
    with open_store(store_url) as store:
        older = store.save(result(3, started=T0), exit_code=0)
        newer = store.save(
            result(6, started=T0 + timedelta(days=1), scope={"clouds": ["aws"], "shard": "2/4"}),
            exit_code=1,
        )
        scans = store.scans()
        assert [s.id for s in scans] == [newer, older]
        assert [s.id for s in store.scans(limit=1)] == [newer]
    top = scans[0]
    assert (top.assets, top.findings, top.incomplete_scopes, top.exit_code) == (6, 4, 1, 1)
    assert top.shard == "2/4"  # recorded in the scope by --shard
    assert top.scope == {"clouds": ["aws"], "shard": "2/4"}
    assert top.clouds == ("aws",)
    assert top.started == T0 + timedelta(days=1)
    assert top.started.utcoffset() == timedelta(0)
    assert scans[1].shard is None


def test_an_unknown_scan_id_is_an_error_not_an_empty_result(store_url: str) -> None:
    with open_store(store_url) as store, pytest.raises(StoreError, match="no scan 'nope'"):
        store.load("nope")


def test_lifecycle_spans_the_stored_scans_that_reported_each_fingerprint(store_url: str) -> None:
    days = [T0 + timedelta(days=d) for d in range(3)]
    with open_store(store_url) as store:
        store.save(result(4, started=days[0], failing=[0]), exit_code=1)
        store.save(result(4, started=days[1], failing=[0, 1]), exit_code=1)
        store.save(result(4, started=days[2], failing=[0]), exit_code=1)
        a, b, never = (finding(result(4).assets[i].id).fingerprint for i in (0, 1, 3))
        seen = store.lifecycle([a, b, never])
    assert seen == {a: (days[0], days[2]), b: (days[1], days[1])}


def test_lifecycle_answers_for_more_fingerprints_than_one_query_takes(store_url: str) -> None:
    big = result(1200, failing=range(1200))
    with open_store(store_url) as store:
        store.save(big, exit_code=1)
        seen = store.lifecycle(f.fingerprint for f in big.findings)
    assert len(seen) == 1201  # 1200 + the waived one


def test_a_scan_made_with_the_store_carries_first_seen_last_seen_and_age(store_url: str) -> None:
    first_day, later = T0, T0 + timedelta(days=9, hours=1)
    with open_store(store_url) as store:
        store.save(result(4, started=first_day, failing=[0]), exit_code=1)
        current = result(4, started=later, failing=[0, 2])
        marked = with_lifecycle(current, store.lifecycle(f.fingerprint for f in current.findings))
    old, new = (f for f in marked.findings if f.rule_id == "AIS-T-001")
    assert (old.first_seen, old.last_seen, old.age_days) == (first_day, later, 9)
    assert (new.first_seen, new.last_seen, new.age_days) == (later, later, 0)


def test_prune_deletes_old_scans_whole_and_keeps_first_seen(store_url: str) -> None:
    now = T0 + timedelta(days=60)
    old_day, mid_day = now - timedelta(days=40), now - timedelta(days=10)
    with open_store(store_url) as store:
        old = store.save(result(4, started=old_day, failing=[0]), exit_code=1)
        mid_result = result(4, started=mid_day, failing=[0])
        mid_result = with_lifecycle(
            mid_result, store.lifecycle(f.fingerprint for f in mid_result.findings)
        )
        mid = store.save(mid_result, exit_code=1)
        assert store.prune(30, now=now) == 1
        assert [s.id for s in store.scans()] == [mid]
        assert store.load(mid) == mid_result
        with pytest.raises(StoreError):
            store.load(old)
        fp = finding(result(4).assets[0].id).fingerprint
        # The pruned scan's sighting still dates the finding: it is 40 days old, not 10.
        assert store.lifecycle([fp])[fp] == (old_day, mid_day)
        assert store.prune(30, now=now) == 0
    engine = create_engine(engine_url(store_url))
    with engine.connect() as conn:
        for table in tables.CHILDREN:
            orphans = conn.execute(
                select(func.count()).select_from(table).where(table.c.scan_id == old)
            ).scalar_one()
            assert orphans == 0, table.name
    engine.dispose()


def _child(
    url: str, result_file: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.child", url, str(result_file), *extra],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, child: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert child.poll() is None, child.communicate()[1]
        assert time.monotonic() < deadline, f"the child never created {path.name}"
        time.sleep(0.02)


def test_two_processes_saving_at_once_on_a_fresh_store_both_land(
    store_url: str, tmp_path: Path
) -> None:
    results = [result(50, started=T0 + timedelta(seconds=i)) for i in range(2)]
    files = []
    for i, r in enumerate(results):
        files.append(tmp_path / f"shard{i}.json")
        files[-1].write_text(r.model_dump_json(), encoding="utf-8")
    go = tmp_path / "go"
    children = [_child(store_url, f, str(go)) for f in files]
    for child, f in zip(children, files, strict=True):
        _wait_for(f.with_suffix(".ready"), child)
    go.write_text("go")  # both loaded and waiting: the opens (and migrations) race too
    ids = []
    for child in children:
        out, err = child.communicate(timeout=240)
        assert child.returncode == 0, err
        ids.append(out.strip())
    with open_store(store_url) as store:
        stored = {s.id: s for s in store.scans()}
        assert set(stored) == set(ids)
        for scan_id, original, f in zip(ids, results, files, strict=True):
            assert store.load(scan_id) == original
            assert stored[scan_id].shard == f.stem


def test_opening_a_fresh_sqlite_store_while_another_process_holds_its_lock_waits(
    tmp_path: Path,
) -> None:
    """Switching a fresh file to WAL fails at once when another connection holds the lock
    (SQLite calls no busy handler for it): two shards opening a new store together lost one."""
    path = tmp_path / "fresh.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE other_tool (x)")
    timer = threading.Timer(0.5, holder.execute, ("COMMIT",))
    timer.start()
    try:
        with open_store(str(path)) as store:
            assert store.scans() == []
    finally:
        timer.join()
        holder.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_writer_that_meets_an_open_save_transaction_waits_or_proceeds_and_both_land(
    store_url: str, tmp_path: Path
) -> None:
    open_store(store_url).close()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(result(40, started=T0).model_dump_json())
    second.write_text(result(60, started=T0 + timedelta(seconds=1)).model_dump_json())
    go, paused = tmp_path / "go", tmp_path / "paused"
    fast = _child(store_url, second, str(go))
    _wait_for(second.with_suffix(".ready"), fast)  # loaded, so it writes the moment it is told
    slow = _child(store_url, first, env={PAUSE_ENV: f"assets:{paused}", PAUSE_SECONDS_ENV: "3"})
    _wait_for(paused, slow)
    go.write_text("go")  # the second save starts while the first holds its transaction open
    fast_out = fast.communicate(timeout=240)
    if store_url.startswith("postgresql"):
        assert slow.poll() is None  # PostgreSQL writers do not wait for each other
    outputs = [slow.communicate(timeout=240), fast_out]
    assert (slow.returncode, fast.returncode) == (0, 0), outputs
    with open_store(store_url) as store:
        assert [s.assets for s in store.scans()] == [60, 40]
        assert store.load(outputs[0][0].strip()) == result(40, started=T0)


def test_a_writer_killed_mid_transaction_leaves_earlier_scans_whole_and_no_half_scan(
    store_url: str, tmp_path: Path
) -> None:
    earlier = [result(30, started=T0 + timedelta(days=d)) for d in range(2)]
    with open_store(store_url) as store:
        ids = [store.save(r, exit_code=0) for r in earlier]
    victim = tmp_path / "victim.json"
    victim.write_text(result(300, started=T0 + timedelta(days=5)).model_dump_json())
    paused = tmp_path / "paused"
    child = _child(store_url, victim, env={PAUSE_ENV: f"findings:{paused}"})
    _wait_for(paused, child)
    # Scan header, assets, relations, coverage and findings are written; evaluations are not.
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with open_store(store_url) as store:
        assert [s.id for s in store.scans()] == ids[::-1]
        for scan_id, original in zip(ids, earlier, strict=True):
            assert store.load(scan_id) == original
        after = store.save(result(2, started=T0 + timedelta(days=6)), exit_code=0)  # not locked
        assert store.scans()[0].id == after
        known = {*ids, after}
    engine = create_engine(engine_url(store_url))
    with engine.connect() as conn:
        for table in tables.CHILDREN:
            scan_ids = set(conn.execute(select(table.c.scan_id).distinct()).scalars())
            assert scan_ids <= known, table.name
    engine.dispose()


def test_store_urls() -> None:
    assert engine_url("scans.db") == "sqlite:///scans.db"
    assert engine_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("sqlite:////abs/x.db") == "sqlite:////abs/x.db"
    with pytest.raises(StoreError, match="unsupported store"):
        open_store("mysql://u@h/db")
    with pytest.raises(StoreError, match="needs a file path"):
        open_store("sqlite://")


def test_an_unreachable_postgresql_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open store"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")


def test_a_scan_loads_by_a_unique_prefix_of_its_id(store_url: str) -> None:
    with open_store(store_url) as store:
        a = store.save(result(1, started=T0), exit_code=0)
        b = store.save(result(2, started=T0), exit_code=0)  # same second: same id prefix
        assert len(store.load(a[:-3]).assets) == 1  # the random tail tells them apart
        assert len(store.load(b).assets) == 2
        with pytest.raises(StoreError, match="more than one"):
            store.load(a[:10])
        for wildcard in ("%", "_", "2026%"):
            with pytest.raises(StoreError, match="no scan"):
                store.load(wildcard)
