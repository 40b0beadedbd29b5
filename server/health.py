"""`GET /healthz`: is the database (and Redis, when configured) reachable."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Response, get

from accounts.access import ANYONE
from core.database import current_engine, is_postgres, ping
from core.migrations import unapplied_migrations
from core.settings import Settings
from server.sessions import SESSION_STORE


async def _check_redis(app: Litestar) -> dict[str, Any]:
    """Ask Redis through the app's session store: the connection pages depend on.

    One round trip over the store's pool (a client of its own per check made `/healthz` the
    slowest endpoint under load); any failure is reported, not raised.
    """
    try:
        await app.stores.get(SESSION_STORE).exists("healthz")
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": str(error)}


@get("/healthz", opt=ANYONE, tags=["operations"])
async def healthz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
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
    settings: Settings = request.app.state.settings
    redis = await _check_redis(request.app) if settings.redis_url else None
    healthy = database["ok"] and (redis is None or redis["ok"])
    body = {"status": "ok" if healthy else "unavailable", "database": database, "redis": redis}
    return Response(body, status_code=200 if healthy else 503)
