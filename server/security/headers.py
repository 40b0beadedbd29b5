"""Security headers on every answer (pages, API, errors, static files, 404s).

Added by a `before_send` hook, which Litestar runs for every response it sends, so routes
and errors cannot forget them. The Content-Security-Policy allows scripts from this site's
files only: no inline <script> and no on*= handlers (templates mark elements with data-*
attributes that server/static/js/behaviours.js and the page scripts act on, and a test keeps
templates free of inline script), so injected markup cannot run. Styles may still be inline
(style= attributes, htmx's indicator style). No plugins, no framing, no foreign form targets.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: The interactive API docs load their viewer from a CDN: no CSP there (no user content).
_NO_CSP_PREFIX = "/schema"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Set the security headers on a response's start message (keeping any a route set)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        if name == "Content-Security-Policy" and scope["path"].startswith(_NO_CSP_PREFIX):
            continue
        if name not in headers:
            headers[name] = value
