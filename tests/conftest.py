"""Fixtures shared by the whole suite: both databases, a clean state per test, HTTP clients."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

# Settings are read once per process: point them at a throw-away folder before any import.
# A folder in memory when the machine has one: SQLite then commits without waiting for a disk.
# Each pytest-xdist worker is a process of its own, so each gets its own folder.
_MEMORY = Path("/dev/shm")
_VAR_DIR = Path(
    tempfile.mkdtemp(prefix="kuaiqu-test-", dir=_MEMORY if os.access(_MEMORY, os.W_OK) else None)
)
os.environ["KUAIQU_VAR_DIR"] = str(_VAR_DIR)
os.environ.setdefault("KUAIQU_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
# The suite pays through the sandbox provider, which is off unless configured.
os.environ.setdefault("KUAIQU_SANDBOX_PAYMENTS", "1")

import httpx  # noqa: E402
import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from litestar import Litestar  # noqa: E402
from piccolo.engine.base import Engine  # noqa: E402

from accounts import passwords  # noqa: E402
from core import versions  # noqa: E402
from core.database import release_engine, use_engine  # noqa: E402
from tests.support import databases  # noqa: E402

# Real Argon2, with cheap parameters: the suite logs in hundreds of times.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
async def engines() -> AsyncIterator[dict[str, Engine | Exception]]:
    """One migrated SQLite file and one migrated PostgreSQL database for the session."""
    found: dict[str, Engine | Exception] = {
        "sqlite": await databases.sqlite_engine(_VAR_DIR / "test.sqlite3")
    }
    try:
        found["postgres"] = await databases.postgres_engine()
    except (OSError, Exception) as error:  # unreachable server, refused login …
        found["postgres"] = error
    yield found
    await release_engine(found["sqlite"])  # type: ignore[arg-type]
    pg = found["postgres"]
    if isinstance(pg, Engine):
        await pg.close_connection_pool()
    shutil.rmtree(_VAR_DIR, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, engines: dict[str, Engine | Exception]) -> Engine:
    """The database of this test (each database test runs on both), emptied before it runs."""
    engine = engines[request.param]
    if isinstance(engine, Exception):
        message = f"PostgreSQL is not reachable: {engine}"
        if databases.REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    use_engine(engine)
    await databases.empty_all_tables(engine)
    # Cached copies of the rows just deleted (catalog, accounts, rollup sums) go too.
    versions.reset_caches()
    return engine


@pytest.fixture
async def client(db: Engine) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a fresh app on this test's database (cookies kept between calls).

    The app runs on the test's own event loop (httpx's ASGI transport), so it shares the
    session's PostgreSQL pool; Litestar's AsyncTestClient would run it on another loop.
    """
    app = await fresh_app()
    async with (
        running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
        ) as test_client,
    ):
        yield test_client


#: Apps already built, by the settings they were built for (the most recent few).
_APPS: OrderedDict[object, Litestar] = OrderedDict()
_APPS_KEPT = 4


async def fresh_app() -> Litestar:
    """An app for the current settings, as `create_app()` builds it, with empty stores.

    Building the app (700 routes) takes longer than most tests, so an app built for the same
    settings is used again: its stores (sessions, login and pickup-code attempts) are emptied
    and every test still runs the app's start-up and shut-down.
    """
    from core.settings import get_settings
    from server.app import create_app

    settings = get_settings()
    app = _APPS.pop(settings, None)
    if app is None:
        app = create_app(settings)
    else:
        for store in app.stores._stores.values():
            # A file store whose folder was never written to has nothing to delete.
            with suppress(FileNotFoundError):
                await store.delete_all()
    _APPS[settings] = app
    while len(_APPS) > _APPS_KEPT:
        _APPS.popitem(last=False)
    return app


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """Run the app's start-up and shut-down in one task of their own.

    pytest-asyncio finalises fixtures in another task than it set them up in, and the
    lifespan's anyio task group must be left from the task that entered it.
    """
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when="FIRST_COMPLETED")
    if task.done():
        task.result()  # start-up failed: raise its error here
    try:
        yield
    finally:
        stop.set()
        await task


@pytest.fixture(scope="session")
async def redis_url() -> str:
    """The Redis of this machine (this worker's test database), flushed; skip or fail when down."""
    from redis.asyncio import Redis

    url = databases.redis_test_url()
    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        await client.flushdb()
    except Exception as error:
        message = f"Redis is not reachable at {url}: {error}"
        if databases.REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    finally:
        await client.aclose()
    return url


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set `KUAIQU_*` variables for one test (None removes one); settings are re-read.

    Settings are read once per process, so the cache is cleared now and after the test.
    """
    from core.settings import get_settings

    def configure(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield configure
    # Runs before monkeypatch restores the variables; the next read sees the restored ones.
    get_settings.cache_clear()


@pytest.fixture
def media_dir() -> Path:
    """The media folder of the test settings."""
    from core.settings import get_settings

    return get_settings().media_dir
