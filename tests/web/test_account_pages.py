"""Account pages as a browser uses them: forms, CSRF, messages in Chinese or English."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import PASSWORD, make_store, make_user
from tests.support.web import submit_form


async def test_login_page_logs_in_and_goes_back_where_the_person_was(
    client: AsyncClient,
) -> None:
    staff = await make_user(Role.STAFF, store_ids=[await make_store()])
    response = await submit_form(
        client, "/login", {"email": staff.email, "password": PASSWORD, "next": "/account"}
    )
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/account"
    assert (await client.get("/api/me")).json()["id"] == staff.id


async def test_login_refuses_to_send_people_to_another_site(client: AsyncClient) -> None:
    user = await make_user()
    response = await submit_form(
        client, "/login", {"email": user.email, "password": PASSWORD, "next": "//evil.example"}
    )
    assert response.headers["location"] == "/"


async def test_wrong_password_shows_the_form_again_with_a_message(client: AsyncClient) -> None:
    user = await make_user()
    response = await submit_form(client, "/login", {"email": user.email, "password": "nope-nope"})
    assert response.status_code == 401
    assert "邮箱或密码错误" in response.text
    assert user.email in response.text  # what the person typed is kept


async def test_register_page_reports_duplicate_and_missing_fields(client: AsyncClient) -> None:
    user = await make_user()
    duplicate = await submit_form(
        client, "/register", {"email": user.email, "password": "long-enough-1", "name": "王芳"}
    )
    assert duplicate.status_code == 409
    assert "无法用于注册" in duplicate.text
    missing = await submit_form(client, "/register", {"email": "new@example.cn"})
    assert missing.status_code == 400
    assert "密码至少需要 8 个字符" in missing.text


async def test_register_page_creates_a_consumer(client: AsyncClient) -> None:
    response = await submit_form(
        client,
        "/register",
        {"email": "li.lei@example.cn", "password": "long-enough-1", "name": "李雷"},
    )
    assert response.status_code in (302, 303)
    home = await client.get("/")
    assert "李雷" in home.text and "欢迎加入快取" in home.text


async def test_form_post_without_csrf_token_is_refused(client: AsyncClient) -> None:
    user = await make_user()
    response = await client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/api/me")).status_code == 401


async def test_english_switch_translates_the_pages(client: AsyncClient) -> None:
    assert "首页" in (await client.get("/")).text
    switch = await client.get("/lang/en?next=/login")
    assert switch.status_code in (302, 303) and switch.headers["location"] == "/login"
    page = await client.get("/login")
    assert "Log in" in page.text and "登录" not in page.text


async def test_friendly_404_page_and_json_404(client: AsyncClient) -> None:
    page = await client.get("/no/such/page")
    assert page.status_code == 404
    assert "找不到这个页面" in page.text and "返回首页" in page.text
    api = await client.get("/api/no/such/thing")
    assert api.status_code == 404
    assert api.json()["status_code"] == 404


async def test_protected_page_sends_anonymous_visitor_to_login(client: AsyncClient) -> None:
    response = await client.get("/account")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=/account"


async def test_logout_button_ends_the_session(client: AsyncClient) -> None:
    user = await make_user()
    await submit_form(client, "/login", {"email": user.email, "password": PASSWORD})
    response = await submit_form(client, "/logout", {}, page="/")
    assert response.status_code in (302, 303)
    assert (await client.get("/api/me")).status_code == 401
