"""ASGI middleware giving each HTTP request its own reading of the cache versions.

Inside, `core.versions` reads each version once per request, the catalog's together with
the first (one Redis round trip instead of one per cache asked). Websockets stay outside:
a connection lives for hours and must see every change.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Receive, Scope, Send

from core import versions


class RequestVersions:
    """Runs each HTTP request in a `core.versions.request_scope`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, inside a scope when it is HTTP."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with versions.request_scope():
            await self.app(scope, receive, send)
