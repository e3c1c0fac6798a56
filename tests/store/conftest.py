"""Every store test runs twice: on a SQLite file and on a real PostgreSQL server on loopback.

The server is AISCAN_TEST_POSTGRES_URL when set (.ci/run sets it); otherwise the session starts
one with scripts/start-postgres.sh when this machine can (server binaries installed, or root to
install them), and stops it at the end. Each test gets a database of its own.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "start-postgres.sh"


def _can_start() -> str | None:
    """None when the script can start a server here, else why not."""
    if shutil.which("bash") is None:
        return "no bash to run scripts/start-postgres.sh"
    if glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"):
        return None
    if os.geteuid() == 0 and shutil.which("apt-get"):
        return None
    return "no PostgreSQL server installed and not root to apt-get install one"


def _unavailable(reason: str) -> None:
    if os.environ.get("AISCAN_TEST_POSTGRES_REQUIRED"):
        pytest.fail(f"PostgreSQL required (AISCAN_TEST_POSTGRES_REQUIRED) but {reason}")
    pytest.skip(f"PostgreSQL store tests skipped: {reason} (set AISCAN_TEST_POSTGRES_URL)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    url = os.environ.get("AISCAN_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    reason = _can_start()
    if reason:
        _unavailable(reason)
    done = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        _unavailable(f"scripts/start-postgres.sh failed: {done.stderr.strip()[-500:]}")
    values = dict(
        line.removeprefix("export ").split("=", 1)
        for line in done.stdout.splitlines()
        if line.startswith("export ")
    )
    try:
        yield values["AISCAN_TEST_POSTGRES_URL"]
    finally:
        subprocess.run(
            ["bash", str(SCRIPT), "stop", values["AISCAN_TEST_POSTGRES_DATA"]],
            capture_output=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the server, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(postgres_server)
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = f"aiscan_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "scans.db")
    url: str = request.getfixturevalue("postgres_url")
    return url
