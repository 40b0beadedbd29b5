"""`GET /healthz`: is the database (and Redis, when configured) reachable."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State

from accounts.access import ANYONE
from core.database import current_engine, is_postgres, ping
from core.migrations import unapplied_migrations
from core.settings import Settings


async def _check_redis(url: str) -> dict[str, Any]:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        await client.ping()
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": str(error)}
    finally:
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
    redis = await _check_redis(settings.redis_url) if settings.redis_url else None
    healthy = database["ok"] and (redis is None or redis["ok"])
    body = {"status": "ok" if healthy else "unavailable", "database": database, "redis": redis}
    return Response(body, status_code=200 if healthy else 503)
