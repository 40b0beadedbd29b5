"""Checkout: turn wanted lines, a method and a position into a priced fulfilment plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fulfilment.errors import InvalidOrder
from fulfilment.goods import Goods, goods_by_id, total_available
from fulfilment.pricing import Parcel, order_total, shipping_fee
from fulfilment.routing import Plan, routing, shortage_error
from fulfilment.statuses import FulfilmentMethod
from locations.geocoding import geocode
from locations.places import StoreStock, place_with_stock
from promotions.offers import price_for
from promotions.pricing import PriceLine, Pricing

METHODS = tuple(FulfilmentMethod)
#: Most units of one variant in one order.
MAX_QUANTITY = 999
#: Address fields joined, in this order, to geocode a delivery address.
ADDRESS_PARTS = ("province", "city", "district", "detail")


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A variant and how many of it."""

    variant_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """What the consumer wants and how they want it."""

    lines: Sequence[LineRequest]
    method: str
    position: tuple[float, float] | None = None
    address: dict[str, Any] = field(default_factory=dict)
    location_id: int | None = None
    #: Coupon codes the consumer chose or typed; None picks the best of their wallet.
    coupons: Sequence[str] | None = None
    #: The consumer (their wallet and per-person limits); None for a guest or walk-in.
    customer_id: int | None = None
    #: A sale at the counter: a scanned wallet coupon counts whoever holds it.
    at_counter: bool = False
    #: The member whose member prices apply: the customer online, the member found at the
    #: counter (None: list prices).
    member_id: int | None = None


@dataclass(slots=True)
class Quote:
    """The plan and its price."""

    plan: Plan
    goods: dict[int, Goods]
    wanted: dict[int, int]
    position: tuple[float, float] | None
    subtotal: int
    shipping: int
    discount: int
    total: int
    currency: str
    #: Each line's discounts and the promotions that gave them.
    pricing: Pricing


def price_lines_of(wanted: dict[int, int], goods: dict[int, Goods]) -> list[PriceLine]:
    """The lines as the pricing function takes them (key: variant id)."""
    return [
        PriceLine(
            key=v,
            supplier_id=goods[v].supplier_id,
            product_id=goods[v].product_id,
            category_id=goods[v].category_id,
            unit_price=goods[v].price,
            quantity=q,
        )
        for v, q in sorted(wanted.items())
    ]


def wanted_quantities(lines: Sequence[LineRequest]) -> dict[int, int]:
    """Variant id → total quantity, refusing empty orders and silly quantities."""
    if not lines:
        raise InvalidOrder("Add at least one item")
    wanted: dict[int, int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise InvalidOrder("Quantities must be at least 1")
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
        if wanted[line.variant_id] > MAX_QUANTITY:
            raise InvalidOrder("At most {n} of one item per order", n=MAX_QUANTITY)
    return wanted


def address_text(address: dict[str, Any]) -> str:
    """The geocodable text of an address: `text`, or its parts joined."""
    text = str(address.get("text") or "").strip()
    return text or "".join(str(address.get(part) or "").strip() for part in ADDRESS_PARTS)


async def resolve_position(
    position: tuple[float, float] | None, address: dict[str, Any]
) -> tuple[float, float] | None:
    """The consumer's position: as given (checked), else geocoded from the address."""
    if position is not None:
        lat, lon = position
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InvalidOrder(
                "The position is not on Earth: latitude {lat}, longitude {lon}", lat=lat, lon=lon
            )
        return float(lat), float(lon)
    text = address_text(address or {})
    if not text:
        return None
    place = await geocode(text)
    return place.lat, place.lon


async def chosen_store(request: CheckoutRequest, wanted: dict[int, int]) -> StoreStock | None:
    """For a pickup at a chosen store: the store and what it holds of `wanted`; else None.

    Read once here, in one statement: it tells whether the total over every store is needed
    at all (`refuse_if_short_everywhere`), and routing plans the pickup from it.
    """
    if request.method != FulfilmentMethod.PICKUP or request.location_id is None:
        return None
    return await place_with_stock(request.location_id, wanted)


async def refuse_if_short_everywhere(
    wanted: dict[int, int], goods: dict[int, Goods], store: StoreStock | None
) -> None:
    """Refuse (`OutOfStock`) a line more units of which are wanted than all stores hold.

    When the chosen store alone holds every line the total over all stores is at least
    that, so it is not read (it only words the refusal).
    """
    if store is not None and all(store.available[v] >= q for v, q in wanted.items()):
        return
    totals = await total_available(wanted)
    short = {v: (q, totals[v]) for v, q in wanted.items() if totals[v] < q}
    if short:
        raise shortage_error(short, goods)


async def quote(request: CheckoutRequest, *, now: datetime | None = None) -> Quote:
    """Plan and price an order without reserving anything."""
    if request.method not in METHODS:
        raise InvalidOrder("Choose pickup or delivery, not {method}", method=request.method)
    wanted = wanted_quantities(request.lines)
    goods = await goods_by_id(wanted)
    for variant_id in wanted:
        item = goods.get(variant_id)
        if item is None or not item.on_sale:
            raise InvalidOrder("Item {id} is not for sale", id=variant_id)
    currencies = {goods[v].currency for v in wanted}
    if len(currencies) > 1:
        raise InvalidOrder("Items priced in different currencies cannot share one order")
    store = await chosen_store(request, wanted)
    await refuse_if_short_everywhere(wanted, goods, store)
    position = await resolve_position(request.position, request.address)
    plan = await routing.plan(
        wanted=wanted,
        goods=goods,
        method=request.method,
        position=position,
        location_id=request.location_id,
        now=now or datetime.now(UTC),
        store=store,
    )
    subtotal = sum(goods[v].price * q for v, q in wanted.items())
    shipping = shipping_fee(
        Parcel(f.supplier_id or 0, sum(goods[v].price * q for v, q in f.lines.items()))
        for f in plan.fulfilments
        if f.method == FulfilmentMethod.DELIVERY
    )
    pricing = await price_for(
        price_lines_of(wanted, goods),
        customer_id=request.customer_id,
        codes=request.coupons,
        location_id=request.location_id,
        at_counter=request.at_counter,
        now=now,
        member_id=request.member_id,
    )
    discount = pricing.discount
    return Quote(
        plan=plan,
        goods=goods,
        wanted=wanted,
        position=position,
        subtotal=subtotal,
        shipping=shipping,
        discount=discount,
        total=order_total(subtotal, shipping, discount),
        currency=currencies.pop(),
        pricing=pricing,
    )
