"""Factories: build the data a test needs through the domain services, with sane defaults."""

from __future__ import annotations

import itertools
from typing import Any

from httpx import AsyncClient

from accounts.roles import CurrentUser, Role
from accounts.users import create_user
from catalog.categories import create_category
from catalog.products import VariantInput, create_product
from catalog.suppliers import create_supplier
from catalog.tables import Variant
from locations.locations import create_location
from locations.stock import receive_stock
from payments.sandbox import sign_callback
from payments.service import PaymentStart, start_payment

PASSWORD = "correct-horse-42"
_counter = itertools.count(1)

#: Real points, for stores and shoppers.
BEIJING = (39.9149, 116.4109)
SHANGHAI = (31.2353, 121.4776)
GUANGZHOU = (23.1325, 113.3232)
SHENZHEN = (22.5445, 114.0856)


def unique(prefix: str) -> str:
    """A string no other factory call returns."""
    return f"{prefix}{next(_counter)}"


async def make_user(
    role: Role = Role.CONSUMER,
    *,
    store_ids: list[int] | None = None,
    supplier_id: int | None = None,
    name: str = "测试用户",
) -> CurrentUser:
    """An account with the given role and scope; its password is `PASSWORD`."""
    return await create_user(
        email=f"{unique(role.value)}@example.cn",
        password=PASSWORD,
        name=name,
        role=role,
        store_ids=store_ids,
        supplier_id=supplier_id,
    )


async def login(client: AsyncClient, user: CurrentUser) -> None:
    """Log `user` in on `client` through the API."""
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text


async def make_supplier(name: str = "测试供应商", status: str = "active") -> int:
    """An active supplier."""
    return await create_supplier(
        name=unique(name),
        company_name=f"{name}有限公司",
        licence_no=unique("91110000MA"),
        tax_no=unique("91110000TX"),
        contact_name="李娜",
        contact_phone="13800138000",
        contact_email=f"{unique('contact')}@example.cn",
        status=status,
    )


async def make_category(name_zh: str = "手机", parent_id: int | None = None) -> int:
    """A category."""
    return await create_category(
        slug=unique("cat-"), name_zh=name_zh, name_en="Category", parent_id=parent_id
    )


async def make_product(
    *,
    supplier_id: int | None = None,
    category_id: int | None = None,
    name: str = "华为 Mate 60 手机",
    prices: tuple[int, ...] = (599900,),
    status: str = "listed",
) -> dict[str, Any]:
    """A product with one variant per price; returns its id and variant ids."""
    supplier_id = supplier_id or await make_supplier()
    category_id = category_id or await make_category()
    specs = {"版本": [f"v{i}" for i in range(len(prices))]} if len(prices) > 1 else {}
    product_id = await create_product(
        supplier_id=supplier_id,
        category_id=category_id,
        name=name,
        specs=specs,
        status=status,
        variants=[
            VariantInput(
                sku=unique("SKU-"),
                price=price,
                options={"版本": f"v{i}"} if specs else {},
            )
            for i, price in enumerate(prices)
        ],
    )
    variants = await Variant.select(Variant.id).where(Variant.product == product_id)
    return {
        "id": product_id,
        "supplier_id": supplier_id,
        "category_id": category_id,
        "variant_ids": [v["id"] for v in variants],
    }


async def make_store(
    near: tuple[float, float] = BEIJING,
    *,
    name: str | None = None,
    kind: str = "store",
    pickup_enabled: bool = True,
    city: str = "",
) -> int:
    """A store (or warehouse) at a point, optionally in a named city."""
    return await create_location(
        kind=kind,
        name=name or unique("快取 测试店 "),
        lat=near[0],
        lon=near[1],
        pickup_enabled=pickup_enabled,
        city=city,
    )


async def stock(location_id: int, variant_id: int, quantity: int) -> None:
    """Put `quantity` units of a variant on hand at a location."""
    await receive_stock(location_id=location_id, variant_id=variant_id, quantity=quantity)


async def make_payment(
    *,
    provider: str = "sandbox",
    amount: int = 12900,
    order_id: int | None = None,
    customer_id: int | None = None,
) -> PaymentStart:
    """A pending payment of an order (by default an order id no other call uses)."""
    order_id = order_id or next(_counter) + 100_000
    return await start_payment(
        order_id=order_id,
        order_number=f"KQ{order_id:08d}",
        amount=amount,
        provider=provider,
        customer_id=customer_id,
    )


def sandbox_callback(
    payment_id: int, amount: int = 12900, status: str = "succeeded", **fields: Any
) -> tuple[bytes, dict[str, str]]:
    """A signed sandbox callback about a payment (body and headers)."""
    return sign_callback(
        {"payment_id": payment_id, "amount": amount, "currency": "CNY", "status": status, **fields}
    )


async def make_order(
    customer_id: int,
    lines: list[tuple[int, int]],
    *,
    method: str = "pickup",
    location_id: int | None = None,
    near: tuple[float, float] = BEIJING,
    payment_method: str = "sandbox",
    key: str | None = None,
    address: dict[str, str] | None = None,
    points: int = 0,
) -> Any:
    """An order placed through `fulfilment.orders.place_order` (lines: (variant id, qty))."""
    from fulfilment.checkout import LineRequest
    from fulfilment.orders import PlaceOrder, place_order
    from fulfilment.views import load_order

    placed = await place_order(
        PlaceOrder(
            channel="online",
            customer_id=customer_id,
            lines=[LineRequest(v, q) for v, q in lines],
            method=method,
            payment_method=payment_method,
            idempotency_key=key or unique("key-"),
            position=near,
            address=address
            or (
                {"name": "王芳", "phone": "13900000000", "detail": "朝阳路 1 号"}
                if method == "delivery"
                else {}
            ),
            location_id=location_id,
            points=points,
        )
    )
    return await load_order(placed.order.id)  # with its timeline and payment


def counter_limiter() -> Any:
    """A wrong-pickup-code limiter of its own (memory), as the POS pages pass one."""
    from litestar.stores.memory import MemoryStore

    from fulfilment.pickup_attempts import PickupAttemptLimiter

    return PickupAttemptLimiter(MemoryStore())


async def pickup_code(fulfilment_id: int) -> str:
    """The short code the customer of a ready pickup shows at the counter."""
    from fulfilment.tables import Fulfilment

    row = (
        await Fulfilment.select(Fulfilment.short_code).where(Fulfilment.id == fulfilment_id).first()
    )
    assert row and row["short_code"], f"pickup {fulfilment_id} has no code (not ready?)"
    return row["short_code"]
