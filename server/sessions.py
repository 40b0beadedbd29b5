"""Server-side sessions: ids only the server issues, rotated at login and logout, cheap reads.

Litestar's own server-side backend keeps whatever id the client sends (session fixation: a
cookie `session=attackerchosen0001` becomes the victim's logged-in session), writes every
session back on every response and gives every anonymous visitor a cookie. This backend:

- uses a cookie's id only when the store knows it; any other id is ignored, and data stored
  for that request gets a fresh random id;
- `rotate_session(request)` (login) and `end_session(request)` (logout) drop the old id from
  the store, so whoever else holds it is not logged in;
- writes back only when the data changed (or once a day, to keep the 14-day expiry sliding);
- sets no cookie for a visitor who stores nothing.

The store is Redis when configured (every process shares the sessions), else memory in front
of files under `var/sessions` (one process; sessions survive a restart).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

#: The name of the session store in the app's stores.
SESSION_STORE = "sessions"
#: How long a session lives after its last write.
SESSION_MAX_AGE = 14 * 24 * 3600
#: An unchanged session is written again (its expiry renewed) once it is this old.
RENEW_AFTER = 24 * 3600
#: Where this request's session came from, in the ASGI scope.
_ORIGIN_KEY = "kuaiqu.session"


@dataclass
class SessionOrigin:
    """The stored session a request arrived with, and what it asked for."""

    #: The id the store knows, or None (no cookie, or an id the server never issued).
    known_id: str | None = None
    #: The session as stored (serialised), to tell whether the request changed it.
    stored: bytes = b""
    #: When the stored session was written (epoch seconds).
    written_at: float = 0.0
    #: Whether the client sent a session cookie at all.
    had_cookie: bool = False
    #: Give the session a new id on the way out and forget the old one.
    rotate: bool = field(default=False)


def _origin(connection: ASGIConnection[Any, Any, Any, Any]) -> SessionOrigin:
    origin = connection.scope.get(_ORIGIN_KEY)
    if not isinstance(origin, SessionOrigin):
        origin = SessionOrigin()
        connection.scope[_ORIGIN_KEY] = origin  # type: ignore[literal-required]
    return origin


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Keep the session's data under a new id and forget the old one (call at login)."""
    _origin(connection).rotate = True


def end_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Empty the session and forget its id (call at logout); a later write gets a new id."""
    _origin(connection).rotate = True
    connection.scope["session"] = {}


def _pack(data: bytes, written_at: float) -> bytes:
    return b"%d\n" % int(written_at) + data


def _unpack(raw: bytes) -> tuple[float, bytes]:
    stamp, _, data = raw.partition(b"\n")
    try:
        return float(stamp), data
    except ValueError:  # written by another backend: treat as old, rewritten on next change
        return 0.0, raw


class IssuedSessionBackend(ServerSideSessionBackend):
    """Server-side sessions whose ids only the server issues (see the module docstring)."""

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        """The stored session named by the cookie, or an empty one for an unknown id."""
        origin = _origin(connection)
        session_id = connection.cookies.get(self.config.key)
        if not session_id or session_id == "null":
            return {}
        origin.had_cookie = True
        store = self.config.get_store_from_app(connection.scope["app"])
        raw = await store.get(session_id)
        if raw is None:
            return {}
        origin.known_id = session_id
        origin.written_at, origin.stored = _unpack(raw)
        return self.deserialize_data(origin.stored)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        """The id the store knows for this request, or "" (never the client's own choice)."""
        return _origin(connection).known_id or ""

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        """Write the session only when it changed, under a server-issued id."""
        origin = _origin(connection)
        store = self.config.get_store_from_app(connection.scope["app"])
        data = b"" if scope_session is Empty or not scope_session else None
        if data is None:
            data = self.serialize_data(scope_session, connection.scope)
        old_id = origin.known_id
        if old_id and (origin.rotate or not data):
            await store.delete(old_id)
        if not data:
            if origin.had_cookie:  # an ended, emptied or unknown session: drop the cookie
                self._set_cookie(message, "null", expires=0)
            return
        now = time.time()
        new_id = old_id if old_id and not origin.rotate else None
        if new_id and data == origin.stored and now - origin.written_at < RENEW_AFTER:
            return  # unchanged: no write, and the browser keeps the cookie it has
        new_id = new_id or secrets.token_urlsafe(32)
        await store.set(new_id, _pack(data, now), expires_in=SESSION_MAX_AGE)
        self._set_cookie(message, new_id)

    def _set_cookie(self, message: Message, value: str, expires: int | None = None) -> None:
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        if expires is not None:
            params["expires"] = expires
        headers = MutableScopeHeaders.from_message(message)
        headers.add(
            "Set-Cookie",
            Cookie(value=value, key=self.config.key, **params).to_header(header=""),
        )


@dataclass
class IssuedSessionConfig(ServerSideSessionConfig):
    """Configuration of `IssuedSessionBackend`."""

    _backend_class = IssuedSessionBackend


def session_config(exclude: list[str], secure: bool = False) -> IssuedSessionConfig:
    """The app's session settings: Lax, HTTP only, 14 days after the last change.

    `secure` marks the cookie for HTTPS only (production behind TLS).
    """
    return IssuedSessionConfig(
        store=SESSION_STORE,
        samesite="lax",
        httponly=True,
        max_age=SESSION_MAX_AGE,
        exclude=exclude,
        secure=secure,
    )


class MemoryFirstStore(Store):
    """Memory in front of another store: reads from memory, writes through to both.

    Only right for one process (the CLI refuses several workers without Redis).
    """

    def __init__(self, backing: Store) -> None:
        self._memory = MemoryStore()
        self._backing = backing

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        """Write to memory and to the backing store."""
        await self._memory.set(key, value, expires_in)
        await self._backing.set(key, value, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        """Read from memory; after a restart, from the backing store once."""
        value = await self._memory.get(key)
        if value is not None:
            return value
        value = await self._backing.get(key)
        if value is not None:
            left = await self._backing.expires_in(key)
            await self._memory.set(key, value, left if left and left > 0 else None)
        return value

    async def delete(self, key: str) -> None:
        """Forget `key` in both."""
        await self._memory.delete(key)
        await self._backing.delete(key)

    async def delete_all(self) -> None:
        """Forget everything in both."""
        await self._memory.delete_all()
        await self._backing.delete_all()

    async def exists(self, key: str) -> bool:
        """Whether either knows `key`."""
        return await self._memory.exists(key) or await self._backing.exists(key)

    async def expires_in(self, key: str) -> int | None:
        """Seconds until `key` expires (from the backing store)."""
        return await self._backing.expires_in(key)


def session_store(redis_url: str, var_dir: Path) -> Store:
    """Redis when configured (shared by all app processes), else memory over files."""
    if redis_url:
        return RedisStore.with_client(url=redis_url, namespace="kuaiqu-sessions")
    return MemoryFirstStore(FileStore(var_dir / "sessions"))
