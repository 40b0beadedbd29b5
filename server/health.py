"""`GET /healthz`: is the database (and Redis, when configured) reachable."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Response, get
from litestar.datastructures import State

from accounts.access import ANYONE
from core.database import current_engine, is_postgres, ping
from core.migrations import unapplied_migrations
from core.settings import Settings

#: The app state's key of the Redis client that health checks ping (one pool per app: a new
#: connection per check made `/healthz` the slowest endpoint under load).
HEALTH_REDIS = "health_redis"


async def _check_redis(state: State, url: str) -> dict[str, Any]:
    from redis.asyncio import Redis

    client = state.get(HEALTH_REDIS)
    if client is None:
        client = state[HEALTH_REDIS] = Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=2
        )
    try:
        await client.ping()
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": str(error)}


async def close_health_redis(app: Litestar) -> None:
    """Close the health checks' Redis client, if one was opened (app shutdown)."""
    client = app.state.pop(HEALTH_REDIS, None)
    if client is not None:
        await client.aclose()


@get("/healthz", opt=ANYONE, tags=["operations"])
async def healthz(state: State) -> Response[dict[str, Any]]:
    """Report each backing service; 503 when any is down, so a load balancer can act."""
    engine = current_engine()
    database: dict[str, Any] = {"engine": "postgresql" if is_postgres(engine) else "sqlite"}
    try:
        await ping(engine)
        database["ok"] = True
    except Exception as error:
        database.update(ok=False, error=str(error))
    if database["ok"]:
        # A reachable database without its tables serves 500 on every page: not healthy.
        pending = await unapplied_migrations(engine)
        if pending:
            database.update(ok=False, error="unapplied migrations", unapplied_migrations=pending)
    settings: Settings = state.settings
    redis = await _check_redis(state, settings.redis_url) if settings.redis_url else None
    healthy = database["ok"] and (redis is None or redis["ok"])
    body = {"status": "ok" if healthy else "unavailable", "database": database, "redis": redis}
    return Response(body, status_code=200 if healthy else 503)
