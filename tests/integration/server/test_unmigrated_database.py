"""An unmigrated database: `kuaiqu run` migrates SQLite or refuses PostgreSQL; /healthz says so."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.database import make_engine, release_engine, use_engine
from core.migrations import unapplied_migrations
from tests.support import databases
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[3]


def _env(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "KUAIQU_VAR_DIR": str(var_dir), "KUAIQU_DISABLE_SWEEPS": "1"}
    env.pop("KUAIQU_DATABASE_URL", None)
    env.pop("KUAIQU_REDIS_URL", None)
    if database_url:
        env["KUAIQU_DATABASE_URL"] = database_url
    return env


async def test_healthz_answers_503_naming_unapplied_migrations(tmp_path: Path) -> None:
    from server.app import create_app
    from tests.conftest import running

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    use_engine(engine)
    try:
        app = create_app()
        async with (
            running(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            response = await c.get("/healthz")
        assert response.status_code == 503
        pending = response.json()["database"]["unapplied_migrations"]
        assert pending and all(":" in name for name in pending)
        assert await unapplied_migrations(engine) == pending
    finally:
        await release_engine(engine)


def test_run_migrates_a_fresh_sqlite_file_and_serves(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "run", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_run_refuses_an_unmigrated_postgres_database(tmp_path: Path) -> None:
    try:
        url = asyncio.run(databases.recreate_pg_database(f"{databases.PG_TEST_DB}_empty"))
    except OSError as error:
        if databases.REQUIRE_SERVICES:
            raise
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    refused = subprocess.run(
        [sys.executable, "-m", "server.cli", "run", "--port", str(free_port())],
        cwd=ROOT,
        env=_env(tmp_path, url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "unapplied migration" in refused.stderr and "kuaiqu migrate" in refused.stderr
