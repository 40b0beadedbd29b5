"""The API takes JSON from this site only; every answer carries the security headers."""

from __future__ import annotations

from httpx import AsyncClient

from core.settings import load_settings
from tests.support.factories import PASSWORD, make_user


async def test_cross_origin_text_plain_login_is_refused(client: AsyncClient) -> None:
    user = await make_user()
    body = f'{{"email": "{user.email}", "password": "{PASSWORD}"}}'
    cross = await client.post(
        "/api/auth/login",
        content=body,
        headers={"content-type": "text/plain", "origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert "session" not in cross.cookies


async def test_api_body_must_be_json(client: AsyncClient) -> None:
    user = await make_user()
    as_text = await client.post(
        "/api/auth/login",
        content=f'{{"email": "{user.email}", "password": "{PASSWORD}"}}',
        headers={"content-type": "text/plain"},
    )
    assert as_text.status_code == 415
    as_form = await client.post("/api/auth/login", data={"email": user.email, "password": "x"})
    assert as_form.status_code == 415
    as_json = await client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert as_json.status_code == 200


async def test_cross_site_fetch_metadata_is_refused_and_same_origin_passes(
    client: AsyncClient,
) -> None:
    user = await make_user()
    login = {"email": user.email, "password": PASSWORD}
    cross = await client.post(
        "/api/auth/login", json=login, headers={"sec-fetch-site": "cross-site"}
    )
    assert cross.status_code == 403
    null_origin = await client.post("/api/auth/login", json=login, headers={"origin": "null"})
    assert null_origin.status_code == 403
    same = await client.post(
        "/api/auth/login",
        json=login,
        headers={"origin": "http://testserver.local", "sec-fetch-site": "same-origin"},
    )
    assert same.status_code == 200


async def test_cross_site_form_post_to_a_page_is_refused(client: AsyncClient) -> None:
    response = await client.post(
        "/login",
        data={"email": "a@b.cn", "password": "x"},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403


async def test_every_answer_carries_the_security_headers(client: AsyncClient) -> None:
    for path in ("/", "/login", "/api/me", "/healthz", "/no-such-page", "/static/js/live.js"):
        response = await client.get(path)
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin", path
        csp = response.headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert script_src.split() == ["script-src", "'self'"], path
        assert "frame-ancestors 'none'" in csp, path


def test_secure_cookies_setting_is_read_from_the_environment() -> None:
    env = {"KUAIQU_SECRET_KEY": "k", "KUAIQU_SECURE_COOKIES": "1"}
    assert load_settings(env).secure_cookies is True
    assert load_settings({"KUAIQU_SECRET_KEY": "k"}).secure_cookies is False


async def test_secure_cookies_marks_the_session_cookie_secure(db) -> None:
    import dataclasses

    import httpx

    from core.settings import get_settings
    from server.app import create_app
    from tests.conftest import running

    app = create_app(dataclasses.replace(get_settings(), secure_cookies=True))
    user = await make_user()
    async with (
        running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver.local"
        ) as secure_client,
    ):
        response = await secure_client.post(
            "/api/auth/login", json={"email": user.email, "password": PASSWORD}
        )
    assert response.status_code == 200
    session_cookie = [
        c for c in response.headers.get_list("set-cookie") if c.startswith("session=")
    ]
    assert session_cookie and "Secure" in session_cookie[0]


async def test_files_are_served_without_cookies_and_pages_still_get_the_csrf_cookie(
    client: AsyncClient,
) -> None:
    """An image answered with a fresh CSRF cookie replaced the one a login form was made for
    (a browser whose cookies were cleared while the images loaded then got 403 on login)."""
    for path in ("/static/js/live.js", "/media/no-such-file.svg"):
        response = await client.get(path)
        assert "set-cookie" not in response.headers, path
    login = await client.get("/login")
    assert "kuaiqu_csrf" in login.cookies
