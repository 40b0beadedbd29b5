"""Cross-site request guard: the JSON API takes JSON (or uploads) from this site only.

A browser lets any site POST `text/plain` or form-encoded bodies with the visitor's
cookies, without asking first; so

- an `/api/*` request with a body must say it is JSON (or one of the few upload types an
  API route reads: multipart files, CSV), else 415;
- any state-changing request whose `Sec-Fetch-Site` says `cross-site`, or whose `Origin`
  is another site (or `null`), is refused with 403 — pages and API alike (login CSRF);
- a websocket opened from another site's page is refused before it is accepted.

Payment-provider callbacks are server-to-server (no Origin, provider-specific bodies) and
are checked by their signatures instead, so they pass.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
    WebSocketCloseEvent,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Body types an API route reads besides JSON.
API_UPLOAD_TYPES = ("multipart/form-data", "text/csv")
#: Server-to-server callbacks: their own body formats, signed.
_CALLBACKS = re.compile(r"^/api/payments/[^/]+/(refund-)?webhook$")


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def _has_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length", "")
    return (length not in ("", "0")) or "transfer-encoding" in headers


def cross_site_reason(headers: dict[str, str]) -> str | None:
    """Why a request comes from another site, or None when it is this site's (or unknown)."""
    if headers.get("sec-fetch-site", "") == "cross-site":
        return "Sec-Fetch-Site"
    origin = headers.get("origin")
    if origin is None:
        return None
    if origin == "null":
        return "Origin"
    parts = urlsplit(origin)
    if parts.netloc.lower() != headers.get("host", "").lower():
        return "Origin"
    return None


class CrossSiteGuard:
    """ASGI middleware refusing cross-site state changes and non-JSON API bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 403 / 415 without reaching a route."""
        if scope["type"] == "websocket":
            # A page of another site may open a socket with the visitor's cookies (and read
            # it: sockets have no same-origin rule), so only this site's pages may.
            if cross_site_reason(_headers(scope)):
                close: WebSocketCloseEvent = {"type": "websocket.close", "code": 1008, "reason": ""}
                await send(close)
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http" or scope.get("method", "GET") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if _CALLBACKS.match(path):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if reason := cross_site_reason(headers):
            await refuse_with_json(send, 403, f"Cross-site request refused ({reason})")
            return
        if path.startswith("/api/") and _has_body(headers):
            content_type = headers.get("content-type", "")
            kind = content_type.split(";", 1)[0].strip().lower()
            if not (_is_json(content_type) or kind in API_UPLOAD_TYPES):
                await refuse_with_json(send, 415, "Send the request body as application/json")
                return
        await self.app(scope, receive, send)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def refuse_with_json(send: Send, status: int, detail: str) -> None:
    """Answer `{status_code, detail}` straight from the middleware, before any route runs."""
    body = json.dumps({"status_code": status, "detail": detail}).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)
