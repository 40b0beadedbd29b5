"""Browser fixtures: a live `kuaiqu` server with the demo data, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kuaiqu(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """`kuaiqu run` on a free port over a fresh SQLite file with the demo loaded."""
    var_dir = tempfile.mkdtemp(prefix="kuaiqu-browser-")
    env = {
        **os.environ,
        "KUAIQU_VAR_DIR": var_dir,
        "KUAIQU_DATABASE_URL": f"sqlite:///{var_dir}/browser.sqlite3",
    }
    env.pop("KUAIQU_REDIS_URL", None)
    _kuaiqu("migrate", env=env)
    _kuaiqu("demo", env=env)
    port = _free_port()
    log = Path(var_dir) / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"kuaiqu run did not start:\n{log.read_text()}")
    yield url
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium driven by Playwright (Playwright cannot download a browser here)."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("KUAIQU_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh browser context (no cookies) with a phone-sized viewport."""
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    tab = await context.new_page()
    yield tab
    await context.close()
