"""Live servers for tests: an app on the test's own loop, or `kuaiqu run` in a process."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import uvicorn
from litestar import Litestar


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """Run `app` on a free port until the block ends; yields its base URL (http://…)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


ROOT = Path(__file__).resolve().parents[2]


def kuaiqu(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the `kuaiqu` CLI with `env`; raises when it fails."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@contextmanager
def demo_server(var_dir: Path, database_url: str, **variables: str) -> Iterator[str]:
    """`kuaiqu run` in its own process on a free port, over `database_url` with the demo.

    The database is migrated and the demo loaded first; yields the base URL and stops the
    server when the block ends (its log is in `var_dir/server.log`).
    """
    env = {
        **os.environ,
        "KUAIQU_VAR_DIR": str(var_dir),
        "KUAIQU_DATABASE_URL": database_url,
        "KUAIQU_SANDBOX_PAYMENTS": "1",
        **variables,
    }
    env.pop("KUAIQU_REDIS_URL", None)
    kuaiqu("migrate", env=env)
    kuaiqu("demo", env=env)
    port = free_port()
    log = var_dir / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"kuaiqu run did not start:\n{log.read_text()}")
