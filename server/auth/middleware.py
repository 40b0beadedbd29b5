"""Puts the logged-in user (or None) on every request and websocket, from the session."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from accounts.user_cache import cached_user

SESSION_USER_KEY = "user_id"


class SessionUserMiddleware(AbstractAuthenticationMiddleware):
    """Loads `CurrentUser` for the session's user id; anonymous requests get None.

    It never refuses a request itself: whether a route needs a login, a role or a scope is
    decided by the guards, so public pages still know who is looking.
    """

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        """Read the session and the (cached) user it names."""
        session = connection.scope.get("session") or {}
        user_id = session.get(SESSION_USER_KEY) if isinstance(session, dict) else None
        user = await cached_user(int(user_id)) if user_id else None
        return AuthenticationResult(user=user, auth=None)
