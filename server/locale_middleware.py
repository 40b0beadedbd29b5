"""Sets the request's language (zh-CN by default, English on request) for the whole request."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from core.i18n import LOCALE_COOKIE, current_locale, pick_locale
from core.settings import get_settings


class LocaleMiddleware(ASGIMiddleware):
    """Reads the language cookie into `current_locale` for templates and error messages."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Set the locale, run the app, restore the previous locale."""
        cookie = ASGIConnection(scope=scope).cookies.get(LOCALE_COOKIE)
        token = current_locale.set(pick_locale(cookie, get_settings().default_locale))
        try:
            await next_app(scope, receive, send)
        finally:
            current_locale.reset(token)


def locale_cookie(locale: str) -> Cookie:
    """The cookie that remembers a visitor's language choice for a year."""
    return Cookie(key=LOCALE_COOKIE, value=locale, max_age=365 * 24 * 3600, samesite="lax")
