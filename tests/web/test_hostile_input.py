"""Hostile or careless input answers a 4xx naming what is wrong, never a 500."""

from __future__ import annotations

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import (
    login,
    make_category,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)
from tests.support.web import csrf_token

TOO_BIG = 2**63


async def test_integers_beyond_64_bits_answer_400(client: AsyncClient) -> None:
    await login(client, await make_user())
    assert (await client.get(f"/api/products/{TOO_BIG}")).status_code == 400
    assert (await client.get(f"/products/{TOO_BIG}")).status_code == 400
    assert (await client.get(f"/api/products?page={TOO_BIG}")).status_code == 400
    cart = await client.post("/api/cart/items", json={"variant_id": TOO_BIG, "quantity": 1})
    assert cart.status_code == 400
    assert "variant_id" in cart.json()["detail"]
    huge = await client.post("/api/cart/items", json={"variant_id": 1, "quantity": TOO_BIG})
    assert huge.status_code == 400
    assert "quantity" in huge.json()["detail"]


async def test_nul_characters_answer_400_on_every_database(client: AsyncClient) -> None:
    assert (await client.get("/media/%00")).status_code == 400
    assert (await client.get("/search?q=a%00b")).status_code == 400
    login_nul = await client.post(
        "/api/auth/login", json={"email": "a\u0000@example.cn", "password": "x" * 8}
    )
    assert login_nul.status_code == 400
    assert "email" in login_nul.json()["detail"]
    page = await client.post(
        "/login",
        data={
            "email": "a\u0000@example.cn",
            "password": "x",
            "_csrf_token": await csrf_token(client),
        },
    )
    assert page.status_code in (400, 401)
    name = await client.post(
        "/api/auth/register",
        json={"email": "nul@example.cn", "password": "long-enough", "name": "王\u0000芳"},
    )
    assert name.status_code == 400
    assert "name" in name.json()["detail"]
    rtl = await client.post(
        "/api/auth/register",
        json={"email": "rtl@example.cn", "password": "long-enough", "name": "evil\u202egnp.exe"},
    )
    assert rtl.status_code == 400


async def test_malformed_json_bodies_answer_400(client: AsyncClient) -> None:
    nested = b"[" * 5000 + b"]" * 5000
    for body in (nested, b'{"email": "\xff\xfe", "password": "x"}'):
        response = await client.post(
            "/api/auth/login", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, body[:20]


async def test_long_text_is_refused_with_the_field_named(client: AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "long@example.cn", "password": "long-enough", "name": "名" * 100_000},
    )
    assert response.status_code == 400
    assert "name" in response.json()["detail"]


async def test_full_width_email_is_the_same_account(client: AsyncClient) -> None:
    first = await client.post(
        "/api/auth/register",
        json={"email": "wang@example.cn", "password": "long-enough", "name": "王"},
    )
    assert first.status_code == 201
    twin = await client.post(
        "/api/auth/register",
        json={"email": "ｗａｎｇ@ｅｘａｍｐｌｅ.ｃｎ", "password": "long-enough", "name": "王"},
    )
    assert twin.status_code == 409
    await client.post("/api/auth/logout")
    login_full_width = await client.post(
        "/api/auth/login", json={"email": "ＷＡＮＧ@example.cn", "password": "long-enough"}
    )
    assert login_full_width.status_code == 200


async def test_nan_and_infinite_prices_in_supplier_forms_answer_400(client: AsyncClient) -> None:
    supplier_id = await make_supplier()
    category_id = await make_category("服装")
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier_id))
    for price in ("NaN", "Infinity", "-5", "1e30"):
        token = await csrf_token(client, "/supplier/products/new")
        response = await client.post(
            "/supplier/products",
            data={
                "name": "T恤",
                "category_id": str(category_id),
                "sku": ["TEE-M"],
                "price": [price],
                "options": ["尺码=M"],
                "barcode": [""],
                "weight_g": [""],
                "_csrf_token": token,
            },
            files=[("image_file", ("", b"", "application/octet-stream"))],
        )
        assert response.status_code == 400, price


async def test_multipart_part_without_a_filename_is_not_a_file(client: AsyncClient) -> None:
    await login(client, await make_user())
    response = await client.post(
        "/api/suppliers/apply",
        data={"name": "店"},
        files={"documents": (None, b"not a file")},
    )
    assert response.status_code == 400
    png_without_name = await client.post(
        "/api/orders/1/lines/1/review/photo", files={"photo": (None, b"\x89PNG\r\n\x1a\n")}
    )
    assert png_without_name.status_code == 400


async def test_pos_item_search_takes_percent_and_underscore_literally(
    client: AsyncClient,
) -> None:
    store = await make_store()
    product = await make_product(name="普通 商品")
    await stock(store, product["variant_ids"][0], 3)
    await login(client, await make_user(Role.STAFF, store_ids=[store]))
    for wildcard in ("%", "_", "%25"):
        found = await client.get(f"/api/pos/{store}/items", params={"q": wildcard})
        assert found.status_code == 200
        assert found.json() == [], wildcard
    assert len((await client.get(f"/api/pos/{store}/items", params={"q": "普通"})).json()) == 1


async def test_same_idempotency_key_with_another_body_answers_422(client: AsyncClient) -> None:
    store = await make_store()
    variant = (await make_product(prices=(1500,)))["variant_ids"][0]
    await stock(store, variant, 5)
    await login(client, await make_user())
    headers = {"Idempotency-Key": "order-1"}

    def body(quantity: int) -> dict:
        return {
            "lines": [{"variant_id": variant, "quantity": quantity}],
            "method": "pickup",
            "location_id": store,
            "payment_method": "sandbox",
        }

    first = await client.post("/api/orders", json=body(1), headers=headers)
    assert first.status_code == 201, first.text
    other = await client.post("/api/orders", json=body(3), headers=headers)
    assert other.status_code == 422
    assert first.json()["number"] in other.json()["detail"]
    same = await client.post("/api/orders", json=body(1), headers=headers)
    assert same.status_code == 200


async def test_stock_count_above_the_bound_is_refused(client: AsyncClient) -> None:
    supplier_id = await make_supplier()
    store = await make_store()
    product = await make_product(supplier_id=supplier_id)
    await login(client, await make_user(Role.STAFF, store_ids=[store]))
    response = await client.post(
        f"/api/pos/{store}/stock",
        json={"variant_id": product["variant_ids"][0], "reason": "count", "on_hand": TOO_BIG},
    )
    assert response.status_code == 400
    assert "on_hand" in response.json()["detail"]


async def test_nan_price_filters_in_search_answer_400(client: AsyncClient) -> None:
    for name in ("min_price", "max_price"):
        for value in ("NaN", "Infinity", "-1", "0.001"):
            response = await client.get("/search", params={"q": "茶", name: value})
            assert response.status_code == 400, (name, value)
    assert (await client.get("/search", params={"min_price": "9.90"})).status_code == 200


async def test_a_review_page_far_beyond_the_last_answers_400(client: AsyncClient) -> None:
    """The largest 64-bit page number is a valid integer, but no offset the database takes."""
    product = await make_product(
        category_id=await make_category(), supplier_id=await make_supplier()
    )
    deepest = 2**63 - 1
    api = await client.get(f"/api/products/{product['id']}/reviews?page={deepest}")
    assert api.status_code == 400
    assert "页码" in api.json()["detail"]  # "page must be between 1 and 1000"
    page = await client.get(f"/products/{product['id']}?reviews_page={deepest}")
    assert page.status_code == 400
    assert (await client.get(f"/api/products/{product['id']}/reviews?page=2")).status_code == 200
