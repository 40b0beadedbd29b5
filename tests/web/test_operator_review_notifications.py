"""Operators hear of every application and product that waits for their review (JSON API).

An application, its resubmission after a rejection, a new product and an edit each put
the work in the review queue, and each reaches every operator's inbox exactly once.
"""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import login, make_category, make_supplier, make_user
from tests.web.test_supplier_onboarding_api import APPLICATION, apply, product_body


async def operator_inbox(client: AsyncClient, operator: Any) -> list[tuple[str, str]]:
    await login(client, operator)
    items = (await client.get("/api/notifications")).json()["items"]
    return [(n["kind"], n["link"]) for n in reversed(items)]


async def test_applications_and_resubmissions_reach_every_operator_once(
    client: AsyncClient,
) -> None:
    operators = [await make_user(Role.OPERATOR), await make_user(Role.OPERATOR)]
    applicant = await make_user(Role.CONSUMER)
    await login(client, applicant)
    supplier_id = (await apply(client)).json()["id"]
    await login(client, operators[0])
    await client.post(f"/api/operator/suppliers/{supplier_id}/reject", json={"reason": "模糊"})
    await login(client, applicant)
    again = await client.post(
        "/api/supplier/application/resubmit",
        data=APPLICATION,
        files={"documents": ("清晰执照.jpg", b"\xff\xd8\xff\xe0" + b"1" * 32, "image/jpeg")},
    )
    assert again.status_code == 200, again.text

    link = f"/operator/suppliers/{supplier_id}"
    for operator in operators:
        assert await operator_inbox(client, operator) == [
            ("new_application", link),
            ("new_application", link),
        ]


async def test_new_products_and_edits_reach_the_operators_once_each(client: AsyncClient) -> None:
    operator = await make_user(Role.OPERATOR)
    category_id = await make_category("手机")
    supplier_id = await make_supplier()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=supplier_id))
    created = await client.post("/api/supplier/products", json=product_body(category_id))
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    edited = await client.patch(
        f"/api/supplier/products/{product_id}",
        json=product_body(category_id) | {"name": "华为 Mate 60 Pro 手机"},
    )
    assert edited.status_code == 200, edited.text
    refused = await client.post("/api/supplier/products", json={"name": "x"})
    assert refused.status_code == 400  # nothing submitted, nobody told

    link = f"/operator/products/{product_id}"
    told = await operator_inbox(client, operator)
    assert told == [("product_to_review", link), ("product_to_review", link)]
    await login(client, operator)
    first = (await client.get("/api/notifications")).json()["items"][0]
    assert first["title"] == "新的商品待审核 / A product to review"
