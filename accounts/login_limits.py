"""Limits on wrong passwords (per account and per client) and on sign-ups (per client).

Counts live in a Litestar store (Redis when configured, so all app processes share them,
else memory) and change atomically (`core.counters.add`): each attempt takes its place in
the count *before* the password is checked, so parallel guesses cannot all slip under the
limit; a correct password gives its place back, a wrong one keeps it until the window ends.
"""

from __future__ import annotations

import math

from litestar.stores.base import Store

from core.counters import add
from core.errors import TooManyAttempts

#: Name of the store in the app's `stores` registry.
LOGIN_ATTEMPTS_STORE = "login_attempts"

WINDOW_SECONDS = 15 * 60
#: Wrong passwords for one account within the window; the next one answers 429.
MAX_ACCOUNT_FAILURES = 5
#: Wrong passwords from one client (any account) within the window: higher, as many
#: people can share one address behind a NAT.
MAX_CLIENT_FAILURES = 20
#: Sign-ups from one client within an hour.
MAX_CLIENT_SIGNUPS = 10
SIGNUP_WINDOW_SECONDS = 3600


class TooManyLogins(TooManyAttempts):
    """Too many wrong passwords or sign-ups; carries `Retry-After`."""

    def __init__(self, message: str, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(message, minutes=minutes)
        self.headers["Retry-After"] = str(max(1, retry_after))
        self.extra["retry_after"] = max(1, retry_after)


class LoginLimiter:
    """Reserves a login attempt per account and per client; refuses beyond the limits."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _keys(email: str, client: str) -> tuple[str, str]:
        return f"login:account:{email}", f"login:client:{client}"

    async def reserve(self, email: str, client: str) -> None:
        """Count one attempt before the password is checked; 429 when over a limit."""
        account_key, client_key = self._keys(email, client)
        account = await add(self.store, account_key, 1, WINDOW_SECONDS)
        by_client = await add(self.store, client_key, 1, WINDOW_SECONDS)
        over = [
            c.expires_in
            for c, limit in ((account, MAX_ACCOUNT_FAILURES), (by_client, MAX_CLIENT_FAILURES))
            if c.value > limit
        ]
        if over:
            await self.release(email, client)  # a refused attempt checks no password
            raise TooManyLogins(
                "Too many wrong passwords; wait {minutes} minutes before trying again",
                retry_after=max(over),
            )

    async def release(self, email: str, client: str) -> None:
        """Give the reserved place back (the password was right, or it was not checked)."""
        for key in self._keys(email, client):
            await add(self.store, key, -1, WINDOW_SECONDS)

    async def count_signup(self, client: str) -> None:
        """Count one sign-up attempt from `client`; 429 beyond the hourly limit."""
        count = await add(self.store, f"signup:client:{client}", 1, SIGNUP_WINDOW_SECONDS)
        if count.value > MAX_CLIENT_SIGNUPS:
            raise TooManyLogins(
                "Too many sign-ups from this connection; wait {minutes} minutes",
                retry_after=count.expires_in,
            )
