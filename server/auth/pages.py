"""Account pages: log in, register, log out, my account."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import current_user, logged_in, public
from accounts.roles import CurrentUser
from core.errors import DomainError
from core.i18n import gettext
from server.auth.api import authenticate_limited, log_in, log_out, register_limited
from server.navigation import home_for


class LoginForm(msgspec.Struct):
    """The login form; fields default to empty so a missing one gets a friendly message."""

    email: str = ""
    password: str = ""
    next: str = ""


class RegisterForm(msgspec.Struct):
    """The sign-up form."""

    email: str = ""
    password: str = ""
    name: str = ""
    next: str = ""


def safe_next(target: str | None, user: CurrentUser | None = None) -> str:
    """Where to go after logging in: a local path only, else the role's home page."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return home_for(user)


class AccountPages(Controller):
    """HTML pages for accounts."""

    include_in_schema = False

    @get("/login", opt=public())
    async def login_page(self, next: FromQuery[str] = "") -> Template:
        """The login form."""
        return Template("server/login.html", context={"form": {"next": next}, "error": None})

    @post("/login", opt=public())
    async def login_submit(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[LoginForm]
    ) -> Template | Redirect:
        """Log in and go on, or show the form again with the reason."""
        try:
            user = await authenticate_limited(request, data.email, data.password)
        except DomainError as error:
            return Template(
                "server/login.html",
                context={"form": msgspec.structs.asdict(data), "error": error.localized()},
                status_code=error.status_code,
                headers=error.headers,
            )
        await log_in(request, user)
        flash(request, gettext("Welcome back, {name}").format(name=user.name), "success")
        return Redirect(safe_next(data.next, user))

    @get("/register", opt=public())
    async def register_page(self, next: FromQuery[str] = "") -> Template:
        """The sign-up form."""
        return Template("server/register.html", context={"form": {"next": next}, "error": None})

    @post("/register", opt=public())
    async def register_submit(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[RegisterForm]
    ) -> Template | Redirect:
        """Create a consumer account, or show the form again with the reason."""
        try:
            user = await register_limited(request, data.email, data.password, data.name)
        except DomainError as error:
            form = msgspec.structs.asdict(data) | {"password": ""}
            return Template(
                "server/register.html",
                context={"form": form, "error": error.localized()},
                status_code=error.status_code,
                headers=error.headers,
            )
        await log_in(request, user)
        flash(request, gettext("Welcome to Kuaiqu, {name}").format(name=user.name), "success")
        return Redirect(safe_next(data.next, user))

    @post("/logout", opt=public())
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session and return home."""
        await log_out(request)
        flash(request, gettext("You have logged out"), "info")
        return Redirect("/")

    @get("/account", opt=logged_in())
    async def account_page(self, request: Request[Any, Any, Any]) -> Template:
        """My account: who I am and what I may do."""
        return Template("server/account.html", context={"me": current_user(request)})
