"""Operations: /healthz reports the database; the OpenAPI schema documents the API."""

from __future__ import annotations

import httpx
from httpx import AsyncClient
from piccolo.engine.base import Engine

from core.database import is_postgres


async def test_healthz_reports_the_database(client: AsyncClient, db: Engine) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {
        "engine": "postgresql" if is_postgres(db) else "sqlite",
        "ok": True,
    }


async def test_openapi_schema_lists_the_auth_routes(client: AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/auth/register", "/api/auth/login", "/api/me"} <= set(paths)


async def test_with_redis_configured_sessions_live_in_redis_and_health_reports_it(
    db: Engine, redis_url: str
) -> None:
    from dataclasses import replace

    from redis.asyncio import Redis

    from core.settings import get_settings
    from server.app import create_app
    from tests.conftest import running
    from tests.support.factories import login, make_user

    app = create_app(replace(get_settings(), redis_url=redis_url))
    transport = httpx.ASGITransport(app=app)
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client,
    ):
        health = (await client.get("/healthz")).json()
        assert health["redis"] == {"ok": True}
        user = await make_user()
        await login(client, user)
        assert (await client.get("/api/me")).json()["id"] == user.id
    redis = Redis.from_url(redis_url)
    try:
        assert await redis.keys("kuaiqu-sessions*")
    finally:
        await redis.aclose()


async def test_healthz_answers_503_when_redis_is_down(db: Engine) -> None:
    from dataclasses import replace

    from core.settings import get_settings
    from server.app import create_app
    from tests.conftest import running

    app = create_app(replace(get_settings(), redis_url="redis://127.0.0.1:1/0"))
    async with (
        running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
        ) as client,
    ):
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False


async def test_health_checks_share_one_redis_connection(db: Engine, redis_url: str) -> None:
    """A load balancer polls /healthz often: each check must not open a connection to Redis."""
    from dataclasses import replace

    from redis.asyncio import Redis

    from core.settings import get_settings
    from server.app import create_app
    from tests.conftest import running

    redis = Redis.from_url(redis_url)
    app = create_app(replace(get_settings(), redis_url=redis_url))
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            running(app),
            httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client,
        ):
            assert (await client.get("/healthz")).json()["redis"] == {"ok": True}
            before = (await redis.info("stats"))["total_connections_received"]
            for _ in range(20):
                assert (await client.get("/healthz")).json()["redis"] == {"ok": True}
            after = (await redis.info("stats"))["total_connections_received"]
        assert after - before <= 1  # other tests' processes may connect meanwhile, not 20
        assert "health_redis" not in app.state  # no client of its own: the session store's
    finally:
        await redis.aclose()
