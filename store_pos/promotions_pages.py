"""The POS sale's promotions: what the walk-in cart saves, before the customer pays."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.access import STAFF_HERE
from core.errors import DomainError
from fulfilment.cart_offers import price_goods


class PosOfferPages(Controller):
    """Fragments of the POS sale page."""

    include_in_schema = False

    @get("/pos/{location_id:int}/sale/offers", opt=STAFF_HERE)
    async def sale_offers(
        self,
        request: Request[Any, Any, Any],
        location_id: FromPath[int],
        coupons: FromQuery[str] = "",
    ) -> Template:
        """The discounts on the walk-in cart (platform, supplier, store; scanned coupons)."""
        cart = dict(request.session.get(f"pos_cart_{location_id}") or {})
        wanted = {int(v): int(q) for v, q in cart.items() if int(q) > 0}
        pricing, error = None, None
        if wanted:
            try:
                pricing = await price_goods(
                    wanted,
                    customer_id=None,
                    codes=coupons.replace(",", " ").split()[:10],
                    location_id=location_id,
                    at_counter=True,
                )
            except DomainError as problem:
                error = problem.localized()
        return Template("store_pos/sale_offers.html", context={"pricing": pricing, "error": error})
