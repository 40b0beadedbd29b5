"""Through the JSON API: a person applies, the operator reviews, the supplier lists goods."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import login, make_category, make_product, make_supplier, make_user
from tests.support.money import pay_dues_via_api

#: The first bytes of real files: what the upload check looks at.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64

APPLICATION = {
    "name": "青禾手机专营店",
    "company_name": "杭州青禾数码有限公司",
    "licence_no": "91330100MA2B3C4D5E",
    "tax_no": "91330100MA2B3C4D5E",
    "contact_name": "赵磊",
    "contact_phone": "13900001111",
    "contact_email": "zhao@example.cn",
}


async def apply(client: AsyncClient, **changes: Any) -> Any:
    """Post an application with a licence scan and a PDF permit."""
    return await client.post(
        "/api/suppliers/apply",
        data={**APPLICATION, **changes},
        files=[
            ("documents", ("营业执照.png", PNG, "image/png")),
            ("documents", ("许可证.pdf", PDF, "application/pdf")),
        ],
    )


def product_body(category_id: int, sku: str = "QH-MATE60") -> dict[str, Any]:
    """A phone with two colours."""
    return {
        "category_id": category_id,
        "name": "华为 Mate 60 手机",
        "brand": "华为",
        "description": "昆仑玻璃，卫星通话。",
        "specs": {"颜色": ["雅川青", "白沙银"]},
        "variants": [
            {"sku": f"{sku}-G", "price": 549900, "options": {"颜色": "雅川青"}, "barcode": "6901"},
            {"sku": f"{sku}-S", "price": 569900, "options": {"颜色": "白沙银"}, "weight_g": 225},
        ],
    }


async def as_operator(client: AsyncClient) -> None:
    await login(client, await make_user(Role.OPERATOR))


async def active_supplier_staff(client: AsyncClient) -> tuple[int, Any]:
    """An applicant taken through approval and the agreement; logged in at the end."""
    applicant = await make_user(Role.CONSUMER)
    await login(client, applicant)
    supplier_id = (await apply(client, licence_no="91330100MA2B3C4D5X")).json()["id"]
    await as_operator(client)
    await client.post(f"/api/operator/suppliers/{supplier_id}/approve", json={})
    await login(client, applicant)
    await client.post("/api/supplier/agreement", json={"version": "2026-11"})
    await pay_dues_via_api(client)
    return supplier_id, applicant


async def test_a_new_supplier_goes_from_application_to_a_product_found_by_search(
    client: AsyncClient,
) -> None:
    category_id = await make_category("手机")
    applicant = await make_user(Role.CONSUMER)
    await login(client, applicant)

    applied = await apply(client)
    assert applied.status_code == 201, applied.text
    supplier_id = applied.json()["id"]
    assert applied.json()["status"] == "applied"
    assert len(applied.json()["documents"]) == 2

    await as_operator(client)
    queue = (await client.get("/api/operator/suppliers", params={"status": "applied"})).json()
    assert [s["id"] for s in queue] == [supplier_id]
    detail = (await client.get(f"/api/operator/suppliers/{supplier_id}")).json()
    assert [d["title"] for d in detail["documents"]] == ["营业执照.png", "许可证.pdf"]
    document = await client.get(detail["documents"][0]["url"])
    assert document.status_code == 200
    assert document.content == PNG
    assert document.headers["content-type"].startswith("image/png")
    approved = await client.post(
        f"/api/operator/suppliers/{supplier_id}/approve",
        json={"commission_bp": 300, "deposit": 1000000},
    )
    assert approved.json()["status"] == "approved"
    assert approved.json()["commission_bp"] == 300

    await login(client, applicant)
    me = (await client.get("/api/me")).json()
    assert (me["role"], me["supplier_id"]) == ("supplier", supplier_id)
    early = await client.post("/api/supplier/products", json=product_body(category_id))
    assert early.status_code == 409  # not active before the agreement
    agreement = (await client.get("/api/supplier/agreement")).json()
    signed = await client.post("/api/supplier/agreement", json={"version": agreement["version"]})
    # Not active before the entry fee and the deposit are paid.
    assert signed.json()["status"] == "approved"
    assert signed.json()["agreement_version"] == agreement["version"]
    money = (await client.get("/api/supplier/money")).json()["dues"]
    assert (money["entry_fee_due"], money["deposit_due"]) == (100_000, 1_000_000)
    still = await client.post("/api/supplier/products", json=product_body(category_id))
    assert still.status_code == 409
    await pay_dues_via_api(client)
    assert (await client.get(f"/api/operator/suppliers/{supplier_id}")).status_code == 403
    paid = (await client.get("/api/supplier/money")).json()
    assert paid["dues"]["status"] == "active"
    assert [e["amount"] for e in paid["ledger"]] == [1_000_000]

    image = await client.post("/api/supplier/images", files={"file": ("p.png", PNG, "image/png")})
    assert image.status_code == 201
    body = product_body(category_id) | {"image": image.json()["url"]}
    created = await client.post("/api/supplier/products", json=body)
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    assert created.json()["status"] == "pending_review"

    # Nothing unreviewed reaches consumers.
    assert (await client.get("/api/products", params={"q": "手机"})).json()["total"] == 0
    assert (await client.get(f"/api/products/{product_id}")).status_code == 404
    assert (await client.get(f"/api/shops/{supplier_id}")).json()["products"] == []

    await as_operator(client)
    review = (await client.get("/api/operator/products/review")).json()
    assert [p["id"] for p in review] == [product_id]
    listed = await client.post(f"/api/operator/products/{product_id}/approve")
    assert listed.json()["status"] == "listed"

    found = (await client.get("/api/products", params={"q": "手机"})).json()
    assert found["total"] == 1
    item = found["items"][0]
    assert (item["id"], item["supplier_id"], item["price_from"]) == (
        product_id,
        supplier_id,
        549900,
    )
    assert sorted(v["sku"] for v in item["variants"]) == ["QH-MATE60-G", "QH-MATE60-S"]
    detail = (await client.get(f"/api/products/{product_id}")).json()
    assert detail["specs"] == {"颜色": ["雅川青", "白沙银"]}
    assert detail["images"] == [image.json()["url"]]
    shop = (await client.get(f"/api/shops/{supplier_id}")).json()
    assert [p["id"] for p in shop["products"]] == [product_id]


async def test_a_rejected_application_shows_its_reason_and_can_be_resubmitted(
    client: AsyncClient,
) -> None:
    applicant = await make_user(Role.CONSUMER)
    await login(client, applicant)
    supplier_id = (await apply(client)).json()["id"]

    await as_operator(client)
    refused = await client.post(
        f"/api/operator/suppliers/{supplier_id}/reject", json={"reason": " "}
    )
    assert refused.status_code == 400
    await client.post(
        f"/api/operator/suppliers/{supplier_id}/reject", json={"reason": "营业执照照片模糊"}
    )

    await login(client, applicant)
    mine = (await client.get("/api/supplier/application")).json()
    assert (mine["status"], mine["review_note"]) == ("rejected", "营业执照照片模糊")
    again = await client.post(
        "/api/supplier/application/resubmit",
        data=APPLICATION,
        files={"documents": ("清晰执照.jpg", b"\xff\xd8\xff\xe0" + b"1" * 32, "image/jpeg")},
    )
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "applied"
    assert len(again.json()["documents"]) == 3
    twice = await apply(client)
    assert twice.status_code == 409


async def test_documents_are_checked_by_their_bytes_and_kept_private(client: AsyncClient) -> None:
    applicant = await make_user(Role.CONSUMER)
    await login(client, applicant)
    disguised = await client.post(
        "/api/suppliers/apply",
        data=APPLICATION,
        files={"documents": ("licence.png", b"MZ\x90\x00 not an image", "image/png")},
    )
    assert disguised.status_code == 400
    assert "licence.png" in disguised.json()["detail"]
    # Multipart (as a browser sends the form) with a part that is not a file: no documents.
    none = await client.post(
        "/api/suppliers/apply", data=APPLICATION, files={"note": (None, b"no documents")}
    )
    assert none.status_code == 400
    as_url_encoded = await client.post("/api/suppliers/apply", data=APPLICATION)
    assert as_url_encoded.status_code == 415
    bad_licence = await apply(client, licence_no="123")
    assert bad_licence.status_code == 400

    document_url = (await apply(client)).json()["documents"][0]["url"]
    assert (await client.get(document_url)).status_code == 200
    await login(client, await make_user(Role.CONSUMER))
    assert (await client.get(document_url)).status_code == 403
    await client.post("/api/auth/logout")
    assert (await client.get(document_url)).status_code == 401


async def test_a_rejected_product_shows_its_reason_and_stays_hidden(client: AsyncClient) -> None:
    category_id = await make_category()
    _, staff = await active_supplier_staff(client)
    product_id = (
        await client.post("/api/supplier/products", json=product_body(category_id))
    ).json()["id"]
    await as_operator(client)
    await client.post(
        f"/api/operator/products/{product_id}/reject", json={"reason": "主图含联系方式"}
    )
    await login(client, staff)
    mine = (await client.get("/api/supplier/products")).json()
    assert [(p["status"], p["review_note"]) for p in mine] == [("rejected", "主图含联系方式")]
    assert (await client.get(f"/api/products/{product_id}")).status_code == 404

    fixed = await client.patch(
        f"/api/supplier/products/{product_id}", json=product_body(category_id)
    )
    assert fixed.json()["status"] == "pending_review"


async def test_supplier_staff_get_403_on_another_suppliers_products(client: AsyncClient) -> None:
    other = await make_product(status="pending_review")
    await login(client, await make_user(Role.SUPPLIER, supplier_id=await make_supplier()))
    body = product_body(other["category_id"])
    assert (await client.get(f"/api/supplier/products/{other['id']}")).status_code == 403
    assert (
        await client.patch(f"/api/supplier/products/{other['id']}", json=body)
    ).status_code == 403
    assert (await client.post(f"/api/supplier/products/{other['id']}/delist")).status_code == 403
    assert (await client.get("/api/supplier/products")).json() == []


async def test_an_edit_of_a_listed_product_waits_for_review_while_the_old_one_sells(
    client: AsyncClient,
) -> None:
    category_id = await make_category()
    _, staff = await active_supplier_staff(client)
    product_id = (
        await client.post("/api/supplier/products", json=product_body(category_id))
    ).json()["id"]
    await as_operator(client)
    await client.post(f"/api/operator/products/{product_id}/approve")

    await login(client, staff)
    edit = product_body(category_id) | {"name": "华为 Mate 60 Pro 手机"}
    edit["variants"][0]["price"] = 499900
    edited = await client.patch(f"/api/supplier/products/{product_id}", json=edit)
    assert edited.json()["status"] == "listed"
    assert edited.json()["pending_edit"]["name"] == "华为 Mate 60 Pro 手机"

    public = (await client.get(f"/api/products/{product_id}")).json()
    assert (public["name"], public["price_from"]) == ("华为 Mate 60 手机", 549900)
    assert (await client.get("/api/products", params={"q": "pro"})).json()["total"] == 0

    await as_operator(client)
    assert [
        p["edit_pending"] for p in (await client.get("/api/operator/products/review")).json()
    ] == [True]
    await client.post(f"/api/operator/products/{product_id}/approve")
    public = (await client.get(f"/api/products/{product_id}")).json()
    assert (public["name"], public["price_from"]) == ("华为 Mate 60 Pro 手机", 499900)
    assert (await client.get("/api/products", params={"q": "pro"})).json()["total"] == 1


async def test_delisted_and_suspended_goods_leave_the_storefront(client: AsyncClient) -> None:
    product = await make_product(name="小米 14 手机")
    await as_operator(client)
    assert (await client.get("/api/products", params={"q": "小米"})).json()["total"] == 1

    await client.post(f"/api/operator/products/{product['id']}/delist")
    assert (await client.get("/api/products", params={"q": "小米"})).json()["total"] == 0
    await client.post(f"/api/operator/products/{product['id']}/relist")
    assert (await client.get(f"/api/products/{product['id']}")).status_code == 200

    suspended = await client.post(
        f"/api/operator/suppliers/{product['supplier_id']}/suspend", json={"reason": "售假投诉"}
    )
    assert suspended.json()["status"] == "suspended"
    assert (await client.get("/api/products", params={"q": "小米"})).json()["total"] == 0
    assert (await client.get(f"/api/products/{product['id']}")).status_code == 404
    assert (await client.get(f"/api/shops/{product['supplier_id']}")).status_code == 404
    await client.post(f"/api/operator/suppliers/{product['supplier_id']}/reinstate")
    assert (await client.get("/api/products", params={"q": "小米"})).json()["total"] == 1


async def test_the_operator_manages_the_category_tree(client: AsyncClient) -> None:
    await as_operator(client)
    digital = (
        await client.post("/api/operator/categories", json={"slug": "digital", "name_zh": "数码"})
    ).json()["id"]
    phones = (
        await client.post(
            "/api/operator/categories",
            json={"slug": "phones", "name_zh": "手机", "parent_id": digital},
        )
    ).json()["id"]
    taken = await client.post("/api/operator/categories", json={"slug": "phones", "name_zh": "x"})
    assert taken.status_code == 409

    tree = (
        await client.patch(f"/api/operator/categories/{phones}", json={"name_zh": "智能手机"})
    ).json()
    assert tree[0]["children"][0]["name_zh"] == "智能手机"
    cycle = await client.patch(
        f"/api/operator/categories/{digital}", json={"move": True, "parent_id": phones}
    )
    assert cycle.status_code == 400
    tree = (
        await client.patch(
            f"/api/operator/categories/{phones}",
            json={"move": True, "parent_id": None, "position": -1},
        )
    ).json()
    assert [c["slug"] for c in tree] == ["phones", "digital"]

    await make_product(category_id=phones)
    refused = await client.delete(f"/api/operator/categories/{phones}")
    assert refused.status_code == 409
    assert (await client.delete(f"/api/operator/categories/{digital}")).status_code == 204


async def test_a_failed_application_leaves_no_documents_on_disk(client: AsyncClient) -> None:
    from catalog.uploads import private_dir

    await login(client, await make_user(Role.CONSUMER))
    before = set(private_dir().iterdir())
    refused = await client.post(
        "/api/suppliers/apply",
        data=APPLICATION,
        files=[
            ("documents", ("营业执照.png", PNG, "image/png")),
            ("documents", ("伪装.png", b"MZ\x90\x00 not an image", "image/png")),
        ],
    )
    assert refused.status_code == 400
    assert set(private_dir().iterdir()) == before
