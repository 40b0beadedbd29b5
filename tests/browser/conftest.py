"""Browser fixtures: a live `kuaiqu` server with the demo data, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.support.live import demo_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """`kuaiqu run` on a free port over a fresh SQLite file with the demo loaded."""
    var_dir = Path(tempfile.mkdtemp(prefix="kuaiqu-browser-"))
    with demo_server(var_dir, f"sqlite:///{var_dir}/browser.sqlite3") as url:
        yield url
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
