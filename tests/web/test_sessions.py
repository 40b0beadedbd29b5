"""Sessions: ids only the server issues, rotated at login and logout, no cookie for anonymous
visitors, and a logged-in account that is cached yet changes at once."""

from __future__ import annotations

from dataclasses import replace

from httpx import ASGITransport, AsyncClient
from piccolo.engine.base import Engine

from accounts import users
from accounts.roles import Role
from accounts.tables import User
from tests.support.factories import PASSWORD, login, make_store, make_supplier, make_user
from tests.support.web import submit_form

FIXED = "attackerchosen0001"


def session_cookie(client: AsyncClient) -> str | None:
    return client.cookies.get("session")


def holding(client: AsyncClient, session_id: str) -> AsyncClient:
    """A second browser holding `session_id` (the attacker who planted it)."""
    other = AsyncClient(transport=client._transport, base_url=client.base_url)
    other.cookies.set("session", session_id, domain="testserver.local")
    return other


async def test_a_planted_session_id_is_replaced_at_api_login(client: AsyncClient) -> None:
    user = await make_user()
    client.cookies.set("session", FIXED, domain="testserver.local")
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert session_cookie(client) not in (None, FIXED)
    assert (await client.get("/api/me")).json()["id"] == user.id
    async with holding(client, FIXED) as attacker:
        assert (await attacker.get("/api/me")).status_code == 401


async def test_a_planted_session_id_is_replaced_at_page_login(client: AsyncClient) -> None:
    user = await make_user()
    client.cookies.set("session", FIXED, domain="testserver.local")
    response = await submit_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303)
    assert session_cookie(client) not in (None, FIXED)
    async with holding(client, FIXED) as attacker:
        assert (await attacker.get("/api/me")).status_code == 401


async def test_login_gives_a_known_session_a_new_id_and_the_old_one_logs_no_one_in(
    client: AsyncClient,
) -> None:
    await login(client, await make_user())
    before = session_cookie(client)
    user = await make_user()
    await login(client, user)
    after = session_cookie(client)
    assert before and after and after != before
    assert (await client.get("/api/me")).json()["id"] == user.id
    async with holding(client, before) as attacker:
        assert (await attacker.get("/api/me")).status_code == 401


async def test_logout_forgets_the_session_id(client: AsyncClient) -> None:
    await login(client, await make_user())
    logged_in_id = session_cookie(client)
    assert logged_in_id
    assert (await client.post("/api/auth/logout")).status_code == 200
    async with holding(client, logged_in_id) as thief:
        assert (await thief.get("/api/me")).status_code == 401


async def test_page_logout_forgets_the_session_id(client: AsyncClient) -> None:
    user = await make_user()
    await submit_form(client, "/login", {"email": user.email, "password": PASSWORD})
    logged_in_id = session_cookie(client)
    await submit_form(client, "/logout", {}, page="/account")
    assert session_cookie(client) != logged_in_id
    async with holding(client, logged_in_id) as thief:
        assert (await thief.get("/api/me")).status_code == 401


async def test_anonymous_visitors_get_no_session_cookie(client: AsyncClient) -> None:
    response = await client.get("/")
    assert "session=" not in response.headers.get("set-cookie", "")
    response = await client.get("/api/me")
    assert "session=" not in response.headers.get("set-cookie", "")


async def test_an_unchanged_session_is_not_sent_again(client: AsyncClient) -> None:
    await login(client, await make_user())
    response = await client.get("/api/me")
    assert response.status_code == 200
    assert "session=" not in response.headers.get("set-cookie", "")


async def test_a_role_change_takes_effect_on_the_next_request(client: AsyncClient) -> None:
    user = await make_user()
    await login(client, user)
    assert (await client.get("/api/me")).json()["role"] == "consumer"  # now cached
    supplier_id = await make_supplier()
    await users.grant_supplier_role(user.id, supplier_id)
    me = (await client.get("/api/me")).json()
    assert (me["role"], me["supplier_id"]) == ("supplier", supplier_id)


async def test_a_scope_change_takes_effect_on_the_next_request(client: AsyncClient) -> None:
    store_a, store_b = await make_store(), await make_store()
    staff = await make_user(Role.STAFF, store_ids=[store_a])
    await login(client, staff)
    assert (await client.get("/api/me")).json()["store_ids"] == [store_a]
    await users.set_staff_stores(staff.id, [store_b])
    assert (await client.get("/api/me")).json()["store_ids"] == [store_b]


async def test_logout_drops_the_cached_account(client: AsyncClient) -> None:
    user = await make_user()
    await login(client, user)
    assert (await client.get("/api/me")).json()["name"] == user.name  # now cached
    await User.update({User.name: "改名以后"}).where(User.id == user.id)  # behind the app's back
    assert (await client.post("/api/auth/logout")).status_code == 200
    await login(client, user)
    assert (await client.get("/api/me")).json()["name"] == "改名以后"


async def test_with_redis_sessions_and_account_versions_live_in_redis(
    db: Engine, redis_url: str
) -> None:
    from redis.asyncio import Redis

    from core.settings import get_settings
    from server.app import create_app
    from tests.conftest import running

    app = create_app(replace(get_settings(), redis_url=redis_url))
    transport = ASGITransport(app=app)
    async with (
        running(app),
        AsyncClient(transport=transport, base_url="http://testserver.local") as client,
    ):
        user = await make_user()
        client.cookies.set("session", FIXED, domain="testserver.local")
        await login(client, user)
        logged_in_id = session_cookie(client)
        assert logged_in_id not in (None, FIXED)
        assert (await client.get("/api/me")).json()["role"] == "consumer"
        await users.grant_supplier_role(user.id, await make_supplier())
        assert (await client.get("/api/me")).json()["role"] == "supplier"
        redis = Redis.from_url(redis_url)
        try:
            assert await redis.get(f"kuaiqu:user-version:{user.id}")
            assert (await client.post("/api/auth/logout")).status_code == 200
            assert not await redis.keys(f"kuaiqu-sessions*{logged_in_id}")
        finally:
            await redis.aclose()
