"""Checkout page: pickup or delivery, nearby stores, totals, payment method, place the order."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, Me
from core.errors import DomainError
from core.types import parse_whole
from fulfilment.addresses import AddressView, addresses_of
from fulfilment.cart import cart_of
from fulfilment.checkout import CheckoutRequest, LineRequest, quote
from fulfilment.contacts import check_mobile
from fulfilment.errors import InvalidOrder
from fulfilment.goods import goods_by_id
from fulfilment.orders import PlaceOrder, place_order
from members.points import points_allowed, points_value
from payments.providers import providers_serving
from promotions.claims import wallet
from storefront.cart_session import cart_owner
from storefront.checkout_api import quote_out

#: Checkout fields a link may carry in its query string; the recipient's name, phone and
#: address are POSTed only, so they never land in URLs, logs or the browser history.
QUERY_FIELDS = (
    "buy_now",
    "method",
    "address_id",
    "lat",
    "lon",
    "location_id",
    "city",
    "payment_method",
)
#: Most points one order may name (far above any balance: the limit refuses the rest).
MAX_POINTS = 10**12


class CheckoutForm(msgspec.Struct):
    """The checkout form (POSTed both to re-quote, `intent=update`, and to place the order)."""

    intent: str = ""
    buy_now: str = ""
    method: str = "pickup"
    lat: str = ""
    lon: str = ""
    location_id: str = ""
    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    #: Who collects a pickup order (提货人).
    collector_name: str = ""
    collector_phone: str = ""
    payment_method: str = ""
    idempotency_key: str = ""
    #: best: the best combination of my coupons; none; codes: those in `coupon_codes`.
    coupon_mode: str = "best"
    coupon_codes: str = ""
    #: A saved address of the address book ("new" or "" for the fields typed here).
    address_id: str = ""
    #: Points to spend as part payment, as typed (empty: none).
    points: str = ""


def _buy_now_lines(text: str) -> list[LineRequest]:
    try:
        variant, _, quantity = text.partition(":")
        return [LineRequest(int(variant), int(quantity or 1))]
    except ValueError:
        raise InvalidOrder("The buy-now item {text} is not valid", text=text) from None


async def _lines(request: Request[Any, Any, Any], form: CheckoutForm) -> list[LineRequest]:
    if form.buy_now:
        return _buy_now_lines(form.buy_now)
    cart = await cart_of(cart_owner(request))
    return [LineRequest(ln.variant_id, ln.quantity) for ln in cart.selected_lines]


def _position(form: CheckoutForm) -> tuple[float, float] | None:
    try:
        return (float(form.lat), float(form.lon)) if form.lat and form.lon else None
    except ValueError:
        return None


def _address(form: CheckoutForm) -> dict[str, str]:
    fields = ("name", "phone", "province", "city", "district", "detail")
    return {k: getattr(form, k).strip() for k in fields if getattr(form, k).strip()}


def _coupons(form: CheckoutForm) -> list[str] | None:
    """The coupons chosen: None for the best combination, else the codes (none: empty)."""
    if form.coupon_mode == "none":
        return []
    if form.coupon_mode == "codes":
        return form.coupon_codes.replace(",", " ").split()[:10]
    return None


def _points(form: CheckoutForm) -> int:
    """The points typed to spend (400 naming the field when not a whole number)."""
    return parse_whole(form.points, "points", low=0, high=MAX_POINTS)


def _request(
    form: CheckoutForm, lines: list[LineRequest], customer_id: int | None = None
) -> CheckoutRequest:
    return CheckoutRequest(
        coupons=_coupons(form),
        customer_id=customer_id,
        lines=lines,
        method=form.method if form.method in ("pickup", "delivery") else "pickup",
        position=_position(form),
        address=_address(form) if form.method == "delivery" or not _position(form) else {},
        location_id=int(form.location_id) if form.location_id.isdigit() else None,
    )


async def _with_saved_address(
    user_id: int, form: CheckoutForm
) -> tuple[CheckoutForm, list[AddressView]]:
    """The form with the chosen saved address filled in (the default one on first view)."""
    saved = await addresses_of(user_id)
    if form.method != "delivery" or not saved:
        return form, saved
    chosen = form.address_id
    if not chosen and not (form.name or form.phone or form.detail) and saved[0].is_default:
        chosen = str(saved[0].id)
    found = next((a for a in saved if str(a.id) == chosen), None)
    if found is None and not chosen.isdigit():
        return msgspec.structs.replace(form, address_id=""), saved
    if found is None:
        raise InvalidOrder("There is no address {id} in your address book", id=chosen[:20])
    filled = {k: getattr(found, k) for k in ("name", "phone", "province", "city", "district")}
    return msgspec.structs.replace(form, address_id=chosen, detail=found.detail, **filled), saved


async def _page(
    me: Me,
    request: Request[Any, Any, Any],
    form: CheckoutForm,
    error: str | None = None,
    status: int = 200,
) -> Template:
    form, saved = await _with_saved_address(me.id, form)
    lines = await _lines(request, form)
    goods = await goods_by_id([ln.variant_id for ln in lines])
    quoted, notice = None, None
    points: dict[str, int] = {}
    if lines:
        try:
            quoted = quote_out(await quote(_request(form, lines, me.id)))
            balance, most = await points_allowed(me.id, quoted.subtotal - quoted.discount)
            wanted = min(_points(form), most)
            # What the buyer would pay with the points typed (the most allowed at most).
            points = {"balance": balance, "most": most, "used": wanted}
            points["to_pay"] = quoted.total - points_value(wanted)
        except DomainError as problem:
            notice = problem.localized()
    if error is None and form.method == "delivery" and form.phone.strip():
        try:  # say at once that the number will be refused, not only when placing
            check_mobile(form.phone)
        except DomainError as problem:
            error = problem.localized()
    if not form.idempotency_key:
        form = msgspec.structs.replace(form, idempotency_key=uuid.uuid4().hex)
    return Template(
        "storefront/checkout.html",
        context={
            "form": form,
            "lines": lines,
            "goods": goods,
            "quote": quoted,
            "notice": notice,
            "error": error,
            "saved_addresses": saved,
            # Only the providers this server runs: no sandbox choice in production.
            "payment_choices": providers_serving(form.method),
            "my_coupons": await wallet(me.id, "unused"),
            "points": points,
        },
        status_code=status,
    )


class CheckoutPages(Controller):
    """HTML checkout."""

    include_in_schema = False

    @get("/checkout", opt=SIGNED_IN)
    async def checkout(self, me: Me, request: Request[Any, Any, Any]) -> Template:
        """The checkout form with the current quote (re-quoted on every change)."""
        query = {k: v for k, v in request.query_params.items() if k in QUERY_FIELDS}
        form = msgspec.convert(query, CheckoutForm)
        return await _page(me, request, form)

    @post("/checkout", opt=SIGNED_IN)
    async def place(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[CheckoutForm]
    ) -> Template | Redirect:
        """Re-quote (`intent=update`), or place the order, then pay online or see the order."""
        if data.intent == "update":
            return await _page(me, request, data)
        try:
            lines = await _lines(request, data)
            if not lines:
                raise InvalidOrder("Add at least one item")
            if not data.payment_method:
                raise InvalidOrder("Choose how to pay")
            data, _saved = await _with_saved_address(me.id, data)
            checkout = _request(data, lines, me.id)
            placed = await place_order(
                PlaceOrder(
                    channel="online",
                    customer_id=me.id,
                    lines=lines,
                    method=checkout.method,
                    payment_method=data.payment_method,
                    idempotency_key=data.idempotency_key or uuid.uuid4().hex,
                    position=checkout.position,
                    address=_address(data),
                    pickup_contact={
                        "name": data.collector_name.strip(),
                        "phone": data.collector_phone.strip(),
                    },
                    location_id=checkout.location_id,
                    actor_id=me.id,
                    clear_cart=not data.buy_now,
                    coupons=checkout.coupons,
                    points=_points(data),
                )
            )
        except DomainError as problem:
            return await _page(me, request, data, problem.localized(), problem.status_code)
        payment = placed.payment or placed.order.payment
        if payment is not None and payment.pay_url and placed.order.status == "pending_payment":
            return Redirect(payment.pay_url)
        return Redirect(f"/orders/{placed.order.id}")
