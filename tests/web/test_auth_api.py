"""Accounts through the JSON API: register, log in, me, log out, and the errors people meet."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import PASSWORD, login, make_store, make_supplier, make_user


async def test_register_logs_the_new_consumer_in(client: AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "Wang.Fang@Example.cn", "password": "s3cret-pass", "name": "王芳"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body | {"id": 0} == {
        "id": 0,
        "email": "wang.fang@example.cn",
        "name": "王芳",
        "role": "consumer",
    }
    me = await client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["email"] == "wang.fang@example.cn"
    assert me.json()["store_ids"] == []
    assert me.json()["supplier_id"] is None


async def test_duplicate_registration_is_refused_without_naming_the_email(
    client: AsyncClient,
) -> None:
    user = await make_user()
    response = await client.post(
        "/api/auth/register", json={"email": user.email, "password": "another-pass", "name": "x"}
    )
    assert response.status_code == 409
    assert user.email not in response.text
    assert "已注册" not in response.text


async def test_register_with_missing_field_names_the_field(client: AsyncClient) -> None:
    response = await client.post("/api/auth/register", json={"email": "a@b.cn", "name": "王芳"})
    assert response.status_code == 400
    assert "password" in response.json()["detail"]


async def test_register_with_malformed_email_or_short_password_says_why(
    client: AsyncClient,
) -> None:
    bad_email = await client.post(
        "/api/auth/register", json={"email": "not-an-email", "password": "long-enough", "name": "x"}
    )
    assert bad_email.status_code == 400
    assert "not-an-email" in bad_email.json()["detail"]
    short = await client.post(
        "/api/auth/register",
        json={"email": "a@b.cn", "password": "short", "name": "x"},
        headers={"cookie": "kuaiqu_lang=en"},
    )
    assert short.status_code == 400
    assert "at least 8 characters" in short.json()["detail"]


async def test_malformed_json_body_gets_400(client: AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"]


async def test_wrong_password_gets_401_without_saying_which_part(client: AsyncClient) -> None:
    user = await make_user()
    response = await client.post(
        "/api/auth/login",
        json={"email": user.email, "password": "wrong-password"},
        headers={"cookie": "kuaiqu_lang=en"},
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong email or password"
    assert (await client.get("/api/me")).status_code == 401


async def test_messages_are_chinese_by_default(client: AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "nobody@example.cn", "password": "whatever1"}
    )
    assert response.json()["detail"] == "邮箱或密码错误"


async def test_me_shows_the_scope_of_staff_and_supplier(client: AsyncClient) -> None:
    store_a, store_b = await make_store(), await make_store()
    staff = await make_user(Role.STAFF, store_ids=[store_b, store_a])
    await login(client, staff)
    assert (await client.get("/api/me")).json()["store_ids"] == sorted([store_a, store_b])
    supplier_id = await make_supplier()
    seller = await make_user(Role.SUPPLIER, supplier_id=supplier_id)
    await login(client, seller)
    me = (await client.get("/api/me")).json()
    assert (me["role"], me["supplier_id"], me["store_ids"]) == ("supplier", supplier_id, [])


async def test_logout_ends_the_session(client: AsyncClient) -> None:
    await login(client, await make_user())
    assert (await client.post("/api/auth/logout")).status_code == 200
    assert (await client.get("/api/me")).status_code == 401


async def test_login_email_is_case_insensitive(client: AsyncClient) -> None:
    user = await make_user()
    response = await client.post(
        "/api/auth/login", json={"email": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
