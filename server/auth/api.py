"""JSON API of accounts: register, log in, log out, me."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts import user_cache
from accounts import users as accounts
from accounts.access import current_user, logged_in, public
from accounts.login_limits import LOGIN_ATTEMPTS_STORE, LoginLimiter
from accounts.roles import CurrentUser
from fulfilment.cart import CART_SESSION_KEY, merge_guest_cart
from server.auth.middleware import SESSION_USER_KEY
from server.sessions import end_session, rotate_session


class RegisterBody(msgspec.Struct):
    """Sign-up of a consumer account."""

    email: str
    password: str
    name: str


class LoginBody(msgspec.Struct):
    """Email and password."""

    email: str
    password: str


class UserOut(msgspec.Struct):
    """An account as the API shows it."""

    id: int
    email: str
    name: str
    role: str


class MeOut(UserOut):
    """The logged-in account with its scope."""

    store_ids: list[int]
    supplier_id: int | None


def user_out(user: CurrentUser) -> UserOut:
    """The public fields of an account."""
    return UserOut(id=user.id, email=user.email, name=user.name, role=user.role.value)


def start_session(request: Request[Any, Any, Any], user: CurrentUser) -> None:
    """Log `user` in on a fresh session under a new id.

    Whoever held the old id (a cookie planted by someone else) is not logged in with it: no
    session fixation.
    """
    rotate_session(request)
    request.set_session({SESSION_USER_KEY: user.id})


def client_of(request: Request[Any, Any, Any]) -> str:
    """The address a request came from, as login attempts are counted per client."""
    return request.client.host if request.client else "unknown"


def login_limiter(request: Request[Any, Any, Any]) -> LoginLimiter:
    """The wrong-password limiter shared by every app process (Redis when configured)."""
    return LoginLimiter(request.app.stores.get(LOGIN_ATTEMPTS_STORE))


async def authenticate_limited(
    request: Request[Any, Any, Any], email: str, password: str
) -> CurrentUser:
    """Check a password within the per-account and per-client limits (429 beyond them)."""
    limiter, client = login_limiter(request), client_of(request)
    email_key = accounts.login_key(email)
    await limiter.reserve(email_key, client)
    user = await accounts.authenticate(email, password)  # a wrong one keeps its place
    await limiter.release(email_key, client)
    return user


async def register_limited(
    request: Request[Any, Any, Any], email: str, password: str, name: str
) -> CurrentUser:
    """Create a consumer account, at most `MAX_CLIENT_SIGNUPS` tries per client an hour."""
    await login_limiter(request).count_signup(client_of(request))
    return await accounts.register_consumer(email=email, password=password, name=name)


async def log_in(request: Request[Any, Any, Any], user: CurrentUser) -> None:
    """Start `user`'s session and move the guest cart of the old session into the account."""
    session = request.scope.get("session")
    cart_key = session.get(CART_SESSION_KEY) if isinstance(session, dict) else None
    start_session(request, user)
    await merge_guest_cart(cart_key, user.id)


async def log_out(request: Request[Any, Any, Any]) -> None:
    """End this session (its id no longer names anyone) and drop the cached account."""
    user = current_user(request)
    end_session(request)
    if user is not None:
        await user_cache.invalidate(user.id)


class AuthApi(Controller):
    """`/api/auth/*` and `/api/me`."""

    path = "/api"
    tags = ["accounts"]

    @post("/auth/register", status_code=HTTP_201_CREATED, opt=public())
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[RegisterBody]
    ) -> UserOut:
        """Create a consumer account and log it in."""
        user = await register_limited(request, data.email, data.password, data.name)
        await log_in(request, user)
        return user_out(user)

    @post("/auth/login", status_code=HTTP_200_OK, opt=public())
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginBody]) -> UserOut:
        """Check the password and start a session (the cookie works for pages too)."""
        user = await authenticate_limited(request, data.email, data.password)
        await log_in(request, user)
        return user_out(user)

    @post("/auth/logout", status_code=HTTP_200_OK, opt=public())
    async def logout(self, request: Request[Any, Any, Any]) -> dict[str, bool]:
        """End the session: its id is forgotten and the account's cached copy dropped."""
        await log_out(request)
        return {"logged_out": True}

    @get("/me", opt=logged_in())
    async def me(self, request: Request[Any, Any, Any]) -> MeOut:
        """Who is logged in, with the stores or supplier they act for."""
        user = current_user(request)
        assert user is not None  # the guard let only logged-in people through
        return MeOut(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role.value,
            store_ids=list(user.store_ids),
            supplier_id=user.supplier_id,
        )
