"""Every /api route, read from the app's route table, as anonymous and as every role.

A route declares who may call it (`opt` built by `accounts.access`); this test checks the
declaration exists and that the app enforces it: 401 for anonymous callers of protected
routes, 403 for the wrong role, and 403 for staff of another store on store-scoped routes.
New routes join by themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from httpx import AsyncClient
from litestar import Litestar
from litestar.routes import HTTPRoute

from accounts.access import ACCESS_KEY, LOGGED_IN, PUBLIC, STORE_SCOPE_KEY
from accounts.roles import Role
from tests.support.factories import login, make_store, make_supplier, make_user

PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: str
    access: object
    store_scope: bool


def api_calls(app: Litestar) -> list[ApiCall]:
    calls = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api"):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                calls.append(
                    ApiCall(
                        method=method,
                        path=route.path,
                        access=handler.opt.get(ACCESS_KEY),
                        store_scope=bool(handler.opt.get(STORE_SCOPE_KEY)),
                    )
                )
    return calls


def concrete(path: str, location_id: int) -> str:
    """Fill path parameters: the store id where one is named, else an id that exists nowhere."""
    return PATH_PARAM.sub(
        lambda m: str(location_id) if m.group(1) == "location_id" else "999999", path
    )


def _app() -> Litestar:
    from server.app import create_app

    return create_app()


def test_every_api_route_declares_who_may_call_it() -> None:
    undeclared = [f"{c.method} {c.path}" for c in api_calls(_app()) if c.access is None]
    assert undeclared == []


def test_the_matrix_covers_the_core_routes() -> None:
    paths = {c.path for c in api_calls(_app())}
    assert {"/api/auth/login", "/api/auth/register", "/api/me"} <= paths


async def _expect(client: AsyncClient, call: ApiCall, location_id: int) -> int:
    response = await client.request(call.method, concrete(call.path, location_id), json={})
    return response.status_code


@pytest.mark.parametrize("role", [None, *Role])
async def test_protected_api_routes_refuse_the_wrong_caller(
    client: AsyncClient, role: Role | None
) -> None:
    home_store, other_store = await make_store(), await make_store()
    if role is not None:
        user = await make_user(
            role,
            store_ids=[home_store] if role is Role.STAFF else None,
            supplier_id=await make_supplier() if role is Role.SUPPLIER else None,
        )
        await login(client, user)
    wrong: list[str] = []
    for call in api_calls(client._transport.app):  # type: ignore[attr-defined]
        if call.access == PUBLIC or call.path == "/api/auth/logout":
            continue
        status = await _expect(client, call, other_store)
        if role is None:
            expected = {401}
        elif call.access == LOGGED_IN:
            continue
        elif role not in call.access:  # type: ignore[operator]
            expected = {403}
        elif call.store_scope:
            expected = {403}  # staff of another store
        else:
            continue
        if status not in expected:
            wrong.append(f"{call.method} {call.path} as {role}: {status}, expected {expected}")
    assert wrong == []


async def test_store_scoped_routes_admit_staff_of_that_store(client: AsyncClient) -> None:
    store = await make_store()
    await login(client, await make_user(Role.STAFF, store_ids=[store]))
    refused = []
    for call in api_calls(client._transport.app):  # type: ignore[attr-defined]
        if call.store_scope and Role.STAFF in call.access:  # type: ignore[operator]
            status = await _expect(client, call, store)
            if status in (401, 403):
                refused.append(f"{call.method} {call.path}: {status}")
    assert refused == []
