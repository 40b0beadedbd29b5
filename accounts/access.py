"""Access rules declared on routes and enforced by one app-wide guard; the current user.

Every `/api` handler declares who may call it through `opt` (see `public`, `logged_in`,
`roles`, and the ready-made rules `CONSUMERS`, `STAFF_HERE`, ...); the authorisation-matrix
test reads these declarations from the route table. Handlers receive the person calling as
the app-wide dependency `me: Me` (signed-in routes) or `viewer: Viewer` (anyone; None for a
visitor), registered from `DEPENDENCIES`.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Scope

from accounts.roles import CurrentUser, Role

ACCESS_KEY = "access"
STORE_SCOPE_KEY = "store_scope"
PUBLIC = "public"
LOGGED_IN = "logged_in"


def public() -> dict[str, Any]:
    """`opt` for a route anyone may call."""
    return {ACCESS_KEY: PUBLIC}


def logged_in() -> dict[str, Any]:
    """`opt` for a route any logged-in person may call."""
    return {ACCESS_KEY: LOGGED_IN}


def roles(*allowed: Role, store_scope: bool = False) -> dict[str, Any]:
    """`opt` for a route only the given roles may call.

    With `store_scope`, the path parameter `location_id` must be one of the staff's stores.
    """
    return {ACCESS_KEY: frozenset(allowed), STORE_SCOPE_KEY: store_scope}


#: Who may call a route, in one place (the `opt` of a route handler).
ANYONE = public()
SIGNED_IN = logged_in()
CONSUMERS = roles(Role.CONSUMER)
STAFF = roles(Role.STAFF)
#: Staff of the store named by the path parameter `location_id`.
STAFF_HERE = roles(Role.STAFF, store_scope=True)
SUPPLIERS = roles(Role.SUPPLIER)
OPERATORS = roles(Role.OPERATOR)
STOCK_MANAGERS = roles(Role.SUPPLIER, Role.OPERATOR)


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """The logged-in person of a request or websocket, or None."""
    return connection.scope.get("user")


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Refuse with 401 (not logged in) or 403 (wrong role or store) per the route's `opt`.

    Async although it awaits nothing: Litestar runs a plain-function guard in a worker
    thread, a hop to another thread and back on every request.
    """
    access = handler.opt.get(ACCESS_KEY)
    if access is None or access == PUBLIC:
        return
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("Please log in first")
    if access == LOGGED_IN:
        return
    if user.role not in access:
        raise PermissionDeniedException("Your account may not do this")
    if handler.opt.get(STORE_SCOPE_KEY):
        location_id = connection.path_params.get("location_id")
        if location_id is None or not user.works_at(int(location_id)):
            raise PermissionDeniedException("You are not staff of this store")


def supplier_id_of(me: CurrentUser) -> int:
    """The supplier a supplier account acts for; 403 for an account linked to none."""
    if me.supplier_id is None:
        raise PermissionDeniedException("Your account is not linked to a supplier")
    return me.supplier_id


def _viewer(scope: Scope) -> CurrentUser | None:
    """The person calling, if signed in (any route)."""
    return scope.get("user")


def _me(scope: Scope) -> CurrentUser:
    """The signed-in person calling; 401 where nobody is (the guard normally refuses first)."""
    user = scope.get("user")
    if user is None:
        raise NotAuthorizedException("Please log in first")
    return user


#: Parameter types naming the app-wide dependencies: `me: Me` (signed-in routes),
#: `viewer: Viewer` (anyone; None for a visitor).
Me = NamedDependency[CurrentUser]
Viewer = NamedDependency[CurrentUser | None]

#: App-wide dependencies, registered on the app in `server.app`.
DEPENDENCIES = {
    "me": Provide(_me, sync_to_thread=False),
    "viewer": Provide(_viewer, sync_to_thread=False),
}
