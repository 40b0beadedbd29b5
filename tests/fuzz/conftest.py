"""Fuzzing fixtures: a live `kuaiqu run` with the demo, on SQLite and on PostgreSQL.

Each fuzzed database gets its own server process, so what the fuzzers write (carts, orders,
sign-ups) never leaks into the other tests' databases.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.databases import PG_TEST_DB, REQUIRE_SERVICES, recreate_pg_database
from tests.support.live import demo_server

FUZZ_PG_DB = f"{PG_TEST_DB}_fuzz"

#: Demo accounts the fuzzers act as (README's table), by role.
DEMO_LOGINS: dict[str, tuple[str, str]] = {
    "consumer": ("consumer@kuaiqu.test", "kuaiqu-demo-consumer"),
    "staff": ("staff.bj@kuaiqu.test", "kuaiqu-demo-staff"),
    "supplier": ("supplier@kuaiqu.test", "kuaiqu-demo-supplier"),
    "operator": ("operator@kuaiqu.test", "kuaiqu-demo-operator"),
}
ROLES = ("anonymous", *DEMO_LOGINS)


@dataclass(frozen=True)
class FuzzTarget:
    """A live server and a session cookie per role (signed in before any fuzzing starts)."""

    database: str
    url: str
    log: Path
    cookies: dict[str, str]


def _sign_in_every_role(url: str) -> dict[str, str]:
    cookies = {"anonymous": ""}
    for role, (email, password) in DEMO_LOGINS.items():
        answer = httpx.post(f"{url}/api/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        cookies[role] = f"session={answer.cookies['session']}"
    return cookies


def _database_url(database: str, var_dir: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{var_dir}/fuzz.sqlite3"
    try:
        return asyncio.run(recreate_pg_database(FUZZ_PG_DB))
    except OSError as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is required (KUAIQU_REQUIRE_SERVICES=1): {error}")
        pytest.skip(f"PostgreSQL is not running: {error}")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_target(request: pytest.FixtureRequest) -> Iterator[FuzzTarget]:
    """The demo platform served over one database, with every role signed in."""
    var_dir = Path(tempfile.mkdtemp(prefix="kuaiqu-fuzz-"))
    database_url = _database_url(request.param, var_dir)
    with demo_server(var_dir, database_url, KUAIQU_DISABLE_SWEEPS="1") as url:
        yield FuzzTarget(request.param, url, var_dir / "server.log", _sign_in_every_role(url))
    shutil.rmtree(var_dir, ignore_errors=True)
