"""An old-schema store upgrades in place when opened; a store from a newer aiscan is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, create_engine, inspect, text

from aiscan.store import StoreError, open_store
from aiscan.store.migrate import current, head, upgrade
from aiscan.store.sql import engine_url
from tests.store.results import T0, result


def _v1_store(url: str) -> None:
    """A store as aiscan wrote it at schema revision 0001, holding one scan, written with the
    v1 columns only (no scans.shard, no findings.first_seen)."""
    engine = create_engine(engine_url(url))
    upgrade(engine, "0001")
    old = result(3, started=T0)
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as conn:
        conn.execute(
            t["scans"].insert(),
            [
                {
                    "id": "v1-scan",
                    "started": T0.replace(tzinfo=None),
                    "finished": old.scan.finished.replace(tzinfo=None),
                    "stored_at": datetime(2026, 11, 2, tzinfo=UTC).replace(tzinfo=None),
                    "schema_version": "1.0",
                    "tool": old.tool.model_dump_json(),
                    "info": old.scan.model_dump_json(),
                    "scope": json.dumps(old.scan.scope),
                    "clouds": "aws",
                    "assets": 3,
                    "findings": len(old.findings),
                    "incomplete_scopes": 1,
                    "exit_code": 3,
                    "waivers": "[]",
                    "baseline": None,
                }
            ],
        )
        conn.execute(
            t["assets"].insert(),
            [
                {
                    "scan_id": "v1-scan",
                    "seq": i,
                    "asset_id": a.id,
                    "cloud": "aws",
                    "account": a.account,
                    "kind": a.kind.value,
                    "data": a.model_dump_json(),
                }
                for i, a in enumerate(old.assets)
            ],
        )
        conn.execute(
            t["findings"].insert(),
            [
                {
                    "scan_id": "v1-scan",
                    "seq": i,
                    "fingerprint": f.fingerprint,
                    "rule_id": f.rule_id,
                    "asset_id": f.asset_id,
                    "severity": f.severity.value,
                    "suppressed": f.suppressed,
                    "data": f.model_dump_json(),
                }
                for i, f in enumerate(old.findings)
            ],
        )
    assert current(engine) == "0001"
    assert "shard" not in {c["name"] for c in inspect(engine).get_columns("scans")}
    engine.dispose()


def test_a_v1_store_upgrades_in_place_and_keeps_its_scans(store_url: str) -> None:
    _v1_store(store_url)
    old = result(3, started=T0)
    with open_store(store_url) as store:
        [listed] = store.scans()
        assert (listed.id, listed.exit_code, listed.shard) == ("v1-scan", 3, None)
        loaded = store.load("v1-scan")
        assert loaded.assets == old.assets
        assert loaded.findings == old.findings
        # The new first_seen column was backfilled from the scan's start.
        fp = old.findings[0].fingerprint
        assert store.lifecycle([fp]) == {fp: (T0, T0)}
        # And the upgraded store takes new scans with the new columns.
        new_id = store.save(result(2), exit_code=0, shard="1/2")
        newest = store.scans()[0]  # same start as the v1 scan: the later save lists first
        assert (newest.id, newest.shard) == (new_id, "1/2")
    engine = create_engine(engine_url(store_url))
    assert current(engine) == head()
    assert "ix_findings_fingerprint" in {i["name"] for i in inspect(engine).get_indexes("findings")}
    engine.dispose()


def test_opening_an_up_to_date_store_changes_nothing(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save(result(1), exit_code=0)
    with open_store(store_url) as store:
        assert len(store.scans()) == 1


def test_a_store_from_a_newer_aiscan_is_refused(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_engine(engine_url(store_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this aiscan"):
        open_store(store_url)
