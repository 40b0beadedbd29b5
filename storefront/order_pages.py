"""Consumer order pages: `/orders` and `/orders/{id}` with timeline, pay, cancel, confirm."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, Me
from accounts.roles import CurrentUser
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.carriers import parcel_events, refresh_parcels
from fulfilment.goods import goods_by_id
from fulfilment.hours import STORE_TZ
from fulfilment.order_centre import TAB_NAMES, OrderTab, order_centre, parse_tab
from fulfilment.orders import cancel_order, confirm_receipt, customer_order, restart_payment
from fulfilment.reviewing import review_states


async def order_page(
    me: CurrentUser,
    order_id: int,
    *,
    review_form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    """The order page; `review_form` keeps a refused review's input and error by its line."""
    view = await customer_order(order_id, me.id)
    parcels = [f.id for f in view.fulfilments if f.method == "delivery" and f.tracking_number]
    if parcels and await refresh_parcels(parcels):
        view = await customer_order(order_id, me.id)  # a parcel may have been signed for
    goods = await goods_by_id(ln.variant_id for f in view.fulfilments for ln in f.lines)
    return Template(
        "storefront/order.html",
        context={
            "order": view,
            # What the buyer chose ("雨后初晴 / 8GB+256GB"), not the supplier's SKU code.
            "options": {v: " / ".join(g.options.values()) for v, g in goods.items()},
            "tz": STORE_TZ,
            "reviews": await review_states(view),
            "review_form": review_form or {},
            "parcels": await parcel_events(parcels),
        },
        status_code=status_code,
    )


class OrderPages(Controller):
    """HTML pages of the consumer's orders."""

    include_in_schema = False

    @get("/orders", opt=SIGNED_IN)
    async def orders(self, me: Me, tab: FromQuery[str] = "all") -> Template:
        """My order centre: tabs 全部 / 待付款 / 待发货 / 待收货 / 待自提 / 待评价 with counts."""
        found = await order_centre(me.id, parse_tab(tab))
        return Template(
            "storefront/orders.html",
            context={
                "orders": found.orders,
                "tab": found.tab,
                "tabs": [(t, TAB_NAMES[t], found.counts[t]) for t in OrderTab],
                "tz": STORE_TZ,
            },
        )

    @get("/orders/{order_id:int}", opt=SIGNED_IN)
    async def order(self, me: Me, order_id: FromPath[int]) -> Template:
        """One order: status timeline, each fulfilment, store or parcel details, actions."""
        return await order_page(me, order_id)

    @post("/orders/{order_id:int}/pay", opt=SIGNED_IN)
    async def pay(
        self, me: Me, request: Request[Any, Any, Any], order_id: FromPath[int]
    ) -> Redirect:
        """Go to the pay page of an unpaid order."""
        try:
            started = await restart_payment(order_id, me.id)
        except DomainError as error:
            flash(request, error.localized(), "error")
            return Redirect(f"/orders/{order_id}")
        return Redirect(started.pay_url or f"/orders/{order_id}")

    @post("/orders/{order_id:int}/cancel", opt=SIGNED_IN)
    async def cancel(
        self, me: Me, request: Request[Any, Any, Any], order_id: FromPath[int]
    ) -> Redirect:
        """Cancel the order (stock released, payment refunded)."""
        try:
            await cancel_order(order_id, actor_id=me.id, customer_id=me.id)
            flash(request, gettext("The order is cancelled"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/orders/{order_id}")

    @post("/orders/{order_id:int}/confirm-receipt", opt=SIGNED_IN)
    async def confirm(
        self, me: Me, request: Request[Any, Any, Any], order_id: FromPath[int]
    ) -> Redirect:
        """Confirm that everything arrived."""
        try:
            await confirm_receipt(order_id, customer_id=me.id, actor_id=me.id)
            flash(request, gettext("Thank you: the order is completed"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/orders/{order_id}")
