"""Two app processes on PostgreSQL and Redis: a message sent through A reaches B's socket."""

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
DATABASE = f"{databases.PG_TEST_DB}_chat_multiprocess"


@pytest.fixture
def chat_processes(redis_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
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


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    """Wait for /healthz (generous: the shared test machine may be busy)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app process exited with {process.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not become healthy")


def _user(role: str) -> dict:
    return next(u for u in USERS if u["role"] == role)


async def _client(base: str, role: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=20)
    user = _user(role)
    login = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": user["password"]}
    )
    assert login.status_code == 200, login.text
    return client


async def _unread(client: httpx.AsyncClient) -> int:
    return (await client.get("/api/chat/unread")).json()["unread"]


async def test_message_through_a_reaches_consumer_socket_on_b_with_unread_counts(
    chat_processes: tuple[str, str, str],
) -> None:
    url_a, url_b, database_url = chat_processes
    connection = await asyncpg.connect(database_url)
    try:
        supplier_id = await connection.fetchval(
            "SELECT supplier_id FROM account WHERE email = $1", _user("supplier")["email"]
        )
    finally:
        await connection.close()

    consumer_a = await _client(url_a, "consumer")
    consumer_b = await _client(url_b, "consumer")
    supplier_a = await _client(url_a, "supplier")
    supplier_b = await _client(url_b, "supplier")
    try:
        opened = await consumer_a.post(
            "/api/chat", json={"party_kind": "supplier", "party_id": supplier_id}
        )
        assert opened.status_code == 201, opened.text
        cid = opened.json()["id"]
        cookie = "; ".join(f"{k}={v}" for k, v in consumer_b.cookies.items())
        ws_b = url_b.replace("http://", "ws://") + "/ws/chat"
        async with websockets.connect(
            ws_b, additional_headers={"cookie": cookie}, origin=url_b
        ) as socket:
            hello = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert hello == {"type": "hello", "unread": 0}
            sent = await supplier_a.post(
                f"/api/chat/{cid}/messages", json={"body": "您好，请问需要什么帮助？"}
            )
            assert sent.status_code == 201, sent.text
            event = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert event["type"] == "message" and event["conversation_id"] == cid
        assert event["body"] == "您好，请问需要什么帮助？" and event["side"] == "shop"
        assert event["consumer_unread"] == 1

        assert await _unread(consumer_a) == 1 and await _unread(consumer_b) == 1
        assert await _unread(supplier_a) == 0 and await _unread(supplier_b) == 0
        await consumer_b.post(f"/api/chat/{cid}/read")
        assert await _unread(consumer_a) == 0 and await _unread(consumer_b) == 0
    finally:
        for client in (consumer_a, consumer_b, supplier_a, supplier_b):
            await client.aclose()
