"""Two app processes on PostgreSQL and Redis: an order placed through B reaches A's subscribers."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets

from server.demo.content import USERS
from tests.support import databases
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE = f"{databases.PG_TEST_DB}_multiprocess"


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app process exited with {process.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not become healthy")


@pytest.fixture
def two_processes(redis_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """Processes A and B sharing one PostgreSQL database (demo loaded) and one Redis."""
    try:
        database_url = asyncio.run(databases.recreate_pg_database(DATABASE))
    except OSError as error:
        if databases.REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is not reachable: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    env = {
        **os.environ,
        "KUAIQU_VAR_DIR": str(tmp_path),
        "KUAIQU_DATABASE_URL": database_url,
        "KUAIQU_REDIS_URL": redis_url,
        "KUAIQU_DISABLE_SWEEPS": "1",
    }
    for command in ("migrate", "demo"):
        subprocess.run(
            [sys.executable, "-m", "server.cli", command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "server.cli", "run", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_healthy(url, process)
        yield urls[0], urls[1], database_url
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


async def _stocked_line(database_url: str) -> tuple[int, int, int]:
    """(store, variant, available) of a pickup store holding a few units of something."""
    connection = await asyncpg.connect(database_url)
    try:
        row = await connection.fetchrow(
            "SELECT s.location, s.variant, s.on_hand - s.reserved AS available "
            "FROM stock_level s JOIN location l ON l.id = s.location "
            "WHERE l.kind = 'store' AND l.pickup_enabled AND s.on_hand - s.reserved >= 3 "
            "ORDER BY s.id LIMIT 1"
        )
    finally:
        await connection.close()
    return row["location"], row["variant"], row["available"]


async def test_order_through_b_reaches_a_websocket_client(
    two_processes: tuple[str, str, str],
) -> None:
    url_a, url_b, database_url = two_processes
    store, variant, available = await _stocked_line(database_url)
    consumer = next(u for u in USERS if u["role"] == "consumer")
    ws_a = url_a.replace("http://", "ws://") + f"/ws/stock/{variant}"
    async with websockets.connect(ws_a) as socket:
        hello = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert {"location_id": store, "available": available} in hello["levels"]
        async with httpx.AsyncClient(base_url=url_b, timeout=20) as client:
            login = await client.post(
                "/api/auth/login",
                json={"email": consumer["email"], "password": consumer["password"]},
            )
            assert login.status_code == 200
            order = await client.post(
                "/api/orders",
                headers={"Idempotency-Key": "multiprocess-1"},
                json={
                    "lines": [{"variant_id": variant, "quantity": 1}],
                    "method": "pickup",
                    "location_id": store,
                    "position": {"lat": 39.9149, "lon": 116.4109},
                    "payment_method": "in_store",
                },
            )
            assert order.status_code == 201, order.text
        event = json.loads(await asyncio.wait_for(socket.recv(), 5))
    assert event["variant_id"] == variant and event["location_id"] == store
    assert event["available"] == available - 1
