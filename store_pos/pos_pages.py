"""Store POS pages: choose a store, live pickup queue, scan and hand over, sale, stock.

Tablet-first pages for the counter. Every page of a store is for its staff only
(`STAFF_HERE`); the rules live in `fulfilment.pickup` and
`fulfilment.pos_sales`, the same functions the JSON API calls.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from accounts.access import STAFF, STAFF_HERE, Me
from accounts.roles import CurrentUser
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from core.types import parse_decimal, parse_whole
from fulfilment.cart_offers import price_goods
from fulfilment.checkout import LineRequest
from fulfilment.hours import STORE_TZ
from fulfilment.pickup import (
    COUNTER_METHODS,
    hand_over,
    mark_preparing,
    mark_ready,
    pickup_queue,
    scan,
    ticket,
)
from fulfilment.pos_sales import (
    cash_change,
    count_stock,
    sell_walk_in,
    store_goods,
    store_sale,
)
from locations.inventory import ADJUST_REASONS
from members.cards import QR_PREFIX, find_member
from members.points import points_allowed, points_value
from promotions.reads import order_discounts
from store_pos.pickup_api import limiter_of, staff_stores


def _store(stores: list[Any], location_id: int) -> Any:
    return next((s for s in stores if s.id == location_id), None)


async def _context(me: CurrentUser, location_id: int, **extra: Any) -> dict:
    stores = await staff_stores(me)
    return {"stores": stores, "store": _store(stores, location_id), "tz": STORE_TZ, **extra}


class ScanForm(msgspec.Struct):
    """What the scanner or the keyboard typed."""

    code: str = ""


#: Most cash one customer hands over for one sale (yuan).
MAX_CASH = Decimal(1_000_000)


class AddForm(msgspec.Struct):
    """A barcode, SKU or variant to add to the sale."""

    code: str = ""
    variant_id: int | None = None
    quantity: int = 1


class PayForm(msgspec.Struct):
    """How the walk-in customer pays, and the cash handed over (yuan, as typed)."""

    payment_method: str = ""
    tendered: str = ""
    #: Coupon codes scanned from consumers' wallets or typed (space or comma separated).
    coupons: str = ""
    #: The member QR text scanned, or the member's phone typed (empty: no member).
    member: str = ""
    #: Points the member spends as part payment, as typed.
    points: str = ""


def _codes(text: str) -> list[str]:
    """Coupon codes typed or scanned, separated by spaces or commas (at most 10)."""
    return text.replace(",", " ").split()[:10]


def _tendered_fen(text: str) -> int | None:
    """Cash typed in yuan ("100", "88.5") as fen; None when nothing was typed."""
    if not text.strip():
        return None
    return int(parse_decimal(text, gettext("Cash received"), places=2, high=MAX_CASH) * 100)


async def _sale_lines(request: Request[Any, Any, Any], location_id: int) -> list[dict[str, Any]]:
    """The walk-in cart of this store: each line's item, quantity and total."""
    cart = _cart(request, location_id)
    held = await store_goods(location_id, limit=10_000, options_of=[int(v) for v in cart])
    items = {i.variant_id: i for i in held}
    return [
        {"item": items[int(v)], "quantity": q_, "total": items[int(v)].price * q_}
        for v, q_ in cart.items()
        if int(v) in items
    ]


class CountForm(msgspec.Struct):
    """A counted figure (or a change) with its reason."""

    variant_id: int
    reason: str
    on_hand: str = ""
    delta: str = ""
    note: str = ""


async def _find_member(typed: str) -> int:
    """The member whose QR text was scanned or whose phone was typed (404 when none)."""
    qr = typed.startswith(QR_PREFIX)
    return await find_member(code=typed if qr else "", phone="" if qr else typed)


def _cart_key(location_id: int) -> str:
    return f"pos_cart_{location_id}"


def _cart(request: Request[Any, Any, Any], location_id: int) -> dict[str, int]:
    return dict(request.session.get(_cart_key(location_id)) or {})


class PosPages(Controller):
    """HTML pages of the store POS."""

    include_in_schema = False

    @get("/pos", opt=STAFF)
    async def choose(
        self,
        me: Me,
    ) -> Template | Redirect:
        """The stores this staff member works at (straight to the queue when only one)."""
        stores = await staff_stores(me)
        if len(stores) == 1:
            return Redirect(f"/pos/{stores[0].id}")
        return Template("store_pos/choose.html", context={"stores": stores})

    @get("/pos/{location_id:int}", opt=STAFF_HERE)
    async def queue_page(self, me: Me, location_id: FromPath[int]) -> Template:
        """The live pickup queue of a store."""
        return Template("store_pos/queue.html", context=await _context(me, location_id))

    @get("/pos/{location_id:int}/queue-fragment", opt=STAFF_HERE)
    async def queue_fragment(self, location_id: FromPath[int]) -> Template:
        """The queue's tickets (refetched on every live event)."""
        tickets = await pickup_queue(location_id)
        return Template(
            "store_pos/queue_items.html",
            context={"tickets": tickets, "location_id": location_id, "tz": STORE_TZ},
        )

    @post("/pos/{location_id:int}/fulfilments/{fid:int}/preparing", opt=STAFF_HERE)
    async def preparing(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        fid: FromPath[int],
    ) -> Redirect:
        """Start picking an order."""
        try:
            await mark_preparing(location_id, fid, me)
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/pos/{location_id}")

    @post("/pos/{location_id:int}/fulfilments/{fid:int}/ready", opt=STAFF_HERE)
    async def ready(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        fid: FromPath[int],
    ) -> Redirect:
        """Packed: issue the code and tell the customer."""
        try:
            await mark_ready(location_id, fid, me)
            # Never the code itself: it is the customer's proof at handover, so the
            # counter asks for it instead of showing it to whoever stands there.
            flash(
                request,
                gettext("Ready for pickup: the customer has been told. Ask for their code."),
                "success",
            )
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/pos/{location_id}")

    @get("/pos/{location_id:int}/scan", opt=STAFF_HERE)
    async def scan_page(self, me: Me, location_id: FromPath[int]) -> Template:
        """The scan field a keyboard-wedge scanner types into."""
        return Template(
            "store_pos/scan.html",
            context=await _context(me, location_id, result=None, methods=COUNTER_METHODS),
        )

    @post("/pos/{location_id:int}/scan", opt=STAFF_HERE, status_code=HTTP_200_OK)
    async def scan_submit(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[ScanForm],
    ) -> Template:
        """Read a scanned or typed code: who and what, or why not."""
        result, error = None, None
        try:
            result = await scan(location_id, data.code, me, limiter_of(request))
        except DomainError as failure:
            error = failure.localized()
        message = gettext(result.message).format(**result.params) if result else error
        return Template(
            "store_pos/scan.html",
            context=await _context(
                me,
                location_id,
                result=result,
                message=message,
                methods=COUNTER_METHODS,
                # Carried by the handover form (hidden): the handover needs this pickup's code.
                code=data.code.strip(),
            ),
        )

    @post("/pos/{location_id:int}/fulfilments/{fid:int}/handover", opt=STAFF_HERE)
    async def handover(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        fid: FromPath[int],
    ) -> Redirect:
        """Hand over all lines, or the ticked ones (the rest kept or cancelled)."""
        form = await request.form()
        ticked = [int(k[5:]) for k in form if k.startswith("line_") and k[5:].isdigit()]
        try:
            whole = await ticket(location_id, fid)
            partial = bool(ticked) and len(ticked) < len(whole.lines)
            await hand_over(
                location_id,
                fid,
                me,
                str(form.get("code") or ""),
                limiter_of(request),
                line_ids=ticked if partial else None,
                payment_method=str(form.get("payment_method") or "") or None,
                rest=str(form.get("rest") or "keep"),
            )
            flash(
                request,
                gettext("Handed over: order {number}").format(number=whole.order_number),
                "success",
            )
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/pos/{location_id}/scan")

    @get("/pos/{location_id:int}/sale", opt=STAFF_HERE)
    async def sale_page(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        q: FromQuery[str] = "",
    ) -> Template:
        """Walk-in sale: scan or search goods held here, the cart, pay."""
        lines = await _sale_lines(request, location_id)
        found = await store_goods(location_id, q[:100]) if q.strip() else []
        return Template(
            "store_pos/sale.html",
            context=await _context(
                me,
                location_id,
                lines=lines,
                total=sum(line["total"] for line in lines),
                found=found,
                q=q,
                methods=COUNTER_METHODS,
            ),
        )

    @get("/pos/{location_id:int}/sale/confirm", opt=STAFF_HERE)
    async def sale_confirm(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        payment_method: FromQuery[str] = "",
        coupons: FromQuery[str] = "",
        member: FromQuery[str] = "",
    ) -> Template | Redirect:
        """The step before completing: what is sold, the total, cash received and change.

        The total is after the member prices of the member found (`member`: the member QR
        or phone), the promotions (platform, suppliers, this store) and the coupon codes
        scanned, priced as the sale will be. Points typed come off it in the change shown.
        """
        lines = await _sale_lines(request, location_id)
        if not lines or payment_method not in COUNTER_METHODS:
            return Redirect(f"/pos/{location_id}/sale")
        wanted: dict[int, int] = {}
        for line in lines:
            wanted[line["item"].variant_id] = line["quantity"]
        member = member.strip()[:64]
        try:
            member_id = await _find_member(member) if member else None
            pricing = await price_goods(
                wanted,
                customer_id=None,
                codes=_codes(coupons[:400]),
                location_id=location_id,
                at_counter=True,
                member_id=member_id,
            )
        except DomainError as error:
            flash(request, error.localized(), "error")
            if member:  # the member was not found: the sale can go on without one
                return Redirect(
                    f"/pos/{location_id}/sale/confirm?payment_method={quote(payment_method)}"
                    f"&coupons={quote(coupons[:400])}"
                )
            return Redirect(f"/pos/{location_id}/sale")
        total = pricing.subtotal - pricing.discount
        points = None
        if member_id is not None:
            balance, most = await points_allowed(member_id, total)
            points = {"balance": balance, "most": most}
        return Template(
            "store_pos/sale_confirm.html",
            context=await _context(
                me,
                location_id,
                lines=lines,
                total=total,
                method=payment_method,
                pricing=pricing,
                coupons=" ".join(_codes(coupons[:400])),
                member=member if member_id is not None else "",
                points=points,
                fen_per_point=points_value(1),
                # Quick amounts a cashier is handed: exact, then the next notes up.
                quick=sorted({total, *(-(-total // n) * n for n in (1000, 5000, 10000))}),
            ),
        )

    @post("/pos/{location_id:int}/sale/add", opt=STAFF_HERE)
    async def sale_add(
        self,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[AddForm],
    ) -> Redirect:
        """Add a scanned barcode, a SKU or a chosen item to the cart."""
        code = data.code.strip()
        if data.variant_id is None:
            matches = await store_goods(location_id, code[:100]) if code else []
            exact = [m for m in matches if code in (m.barcode, m.sku)]
            chosen = exact or (matches if len(matches) == 1 else [])
            if not chosen:
                if not matches:
                    flash(
                        request,
                        gettext("Nothing held at this store matches {code}").format(code=code),
                        "error",
                    )
                return Redirect(
                    f"/pos/{location_id}/sale?q={quote(code)}"
                    if matches
                    else f"/pos/{location_id}/sale"
                )
            variant_id = chosen[0].variant_id
        else:
            variant_id = data.variant_id
        cart = _cart(request, location_id)
        cart[str(variant_id)] = max(0, cart.get(str(variant_id), 0) + data.quantity)
        request.session[_cart_key(location_id)] = {k: v for k, v in cart.items() if v > 0}
        return Redirect(f"/pos/{location_id}/sale")

    @post("/pos/{location_id:int}/sale/clear", opt=STAFF_HERE)
    async def sale_clear(
        self, request: Request[Any, Any, Any], location_id: FromPath[int]
    ) -> Redirect:
        """Empty the cart."""
        request.session[_cart_key(location_id)] = {}
        return Redirect(f"/pos/{location_id}/sale")

    @post("/pos/{location_id:int}/sale/pay", opt=STAFF_HERE)
    async def sale_pay(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[PayForm],
    ) -> Redirect:
        """Take the money and complete the sale; show the receipt."""
        cart = _cart(request, location_id)
        confirm = f"/pos/{location_id}/sale/confirm?payment_method={quote(data.payment_method)}"
        if data.coupons.strip():
            confirm += f"&coupons={quote(data.coupons[:400])}"
        if data.member.strip():
            confirm += f"&member={quote(data.member.strip()[:64])}"
        try:
            tendered = _tendered_fen(data.tendered) if data.payment_method == "cash" else None
            if data.payment_method == "cash" and tendered is None:
                raise InvalidInput("Enter the cash received")
            member = data.member.strip()[:64]
            member_id = await _find_member(member) if member else None
            sale = await sell_walk_in(
                location_id,
                me,
                [LineRequest(int(v), q) for v, q in sorted(cart.items())],
                data.payment_method,
                tendered=tendered,
                coupons=_codes(data.coupons),
                member_id=member_id,
                points=parse_whole(data.points, "points", low=0, high=10**12),
            )
        except DomainError as error:
            flash(request, error.localized(), "error")
            return Redirect(
                confirm if data.payment_method in COUNTER_METHODS else f"/pos/{location_id}/sale"
            )
        request.session[_cart_key(location_id)] = {}
        receipt = f"/pos/{location_id}/receipts/{sale.id}"
        return Redirect(receipt + (f"?tendered={tendered}" if tendered is not None else ""))

    @get("/pos/{location_id:int}/receipts/{order_id:int}", opt=STAFF_HERE)
    async def receipt(
        self,
        me: Me,
        location_id: FromPath[int],
        order_id: FromPath[int],
        tendered: FromQuery[int | None] = None,
    ) -> Template:
        """A print-friendly receipt of a walk-in sale (cash received and change when told)."""
        sale = await store_sale(location_id, order_id)
        method = sale.payment.method if sale.payment else ""
        try:
            change = cash_change(sale.total, tendered, method) if tendered is not None else None
        except DomainError:
            change = None
        return Template(
            "store_pos/receipt.html",
            context=await _context(
                me,
                location_id,
                sale=sale,
                tendered=tendered if change is not None else None,
                change=change,
                discounts=await order_discounts(order_id),
            ),
        )

    @get("/pos/{location_id:int}/stock", opt=STAFF_HERE)
    async def stock_page(
        self, me: Me, location_id: FromPath[int], q: FromQuery[str] = ""
    ) -> Template:
        """Goods held at this store, with a count form each."""
        return Template(
            "store_pos/stock.html",
            context=await _context(
                me,
                location_id,
                items=await store_goods(location_id, q[:100], limit=200),
                q=q,
                reasons=ADJUST_REASONS,
            ),
        )

    @post("/pos/{location_id:int}/stock", opt=STAFF_HERE)
    async def stock_submit(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        data: URLEncodedBody[CountForm],
    ) -> Redirect:
        """Save a count or a change with its reason."""
        try:
            on_hand = int(data.on_hand) if data.on_hand.strip() else None
            delta = int(data.delta) if data.delta.strip() else None
        except ValueError:
            flash(request, gettext("Enter whole numbers"), "error")
            return Redirect(f"/pos/{location_id}/stock")
        try:
            item = await count_stock(
                location_id,
                me,
                variant_id=data.variant_id,
                reason=data.reason,
                on_hand=on_hand,
                delta=delta,
                note=data.note[:80],
            )
            flash(
                request,
                gettext("{sku}: {n} on hand").format(sku=item.sku, n=item.on_hand),
                "success",
            )
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/pos/{location_id}/stock")
