"""The pay page of real providers (Alipay, WeChat Pay): go to the cashier, or scan its code.

`/pay/online/{payment_id}` is the pay_url of every hosted-cashier provider: it shows the
amount and the provider's ways to pay (page or wap for Alipay; a QR code or H5 for WeChat
Pay), and a button that asks the provider at once whether the payment went through.
"""

from __future__ import annotations

import base64

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import SIGNED_IN, Me
from fulfilment.payment_events import check_online_payment
from fulfilment.pickup_codes import qr_svg
from payments.online import OnlineCheckout, online_checkout

_MOBILE = ("Mobile", "Android", "iPhone", "MicroMessenger")


def is_mobile(request: Request) -> bool:
    """Whether the browser says it runs on a phone."""
    agent = request.headers.get("user-agent", "")
    return any(word in agent for word in _MOBILE)


async def checkout_for(request: Request, me: Me, payment_id: int, mode: str) -> OnlineCheckout:
    """The consumer's checkout, with the return URL and client address the provider wants."""
    base = str(request.base_url).rstrip("/")
    return await online_checkout(
        payment_id,
        me.id,
        mode=mode,
        mobile=is_mobile(request),
        client_ip=request.client.host if request.client else "",
        return_url=f"{base}/pay/online/{payment_id}/return",
    )


class CheckForm(msgspec.Struct):
    """The "I have paid" button (no fields)."""


class OnlinePayPages(Controller):
    """The hosted-cashier pay page."""

    include_in_schema = False

    @get("/pay/online/{payment_id:int}", opt=SIGNED_IN)
    async def pay_page(
        self, request: Request, me: Me, payment_id: FromPath[int], mode: FromQuery[str] = ""
    ) -> Template:
        """The amount and the provider's ways to pay: a link to its cashier or a QR code."""
        checkout = await checkout_for(request, me, payment_id, mode[:20])
        qr = None
        if checkout.action is not None and checkout.action.kind == "qr":
            qr = "data:image/svg+xml;base64," + base64.b64encode(
                qr_svg(checkout.action.url)
            ).decode("ascii")
        return Template("storefront/pay_online.html", context={"checkout": checkout, "qr": qr})

    @get("/pay/online/{payment_id:int}/return", opt=SIGNED_IN)
    async def back_from_cashier(self, me: Me, payment_id: FromPath[int]) -> Redirect:
        """Where the cashier sends the consumer back: ask the provider, then the order."""
        payment = await check_online_payment(payment_id, me.id)
        return Redirect(f"/orders/{payment.order_id}")

    @post("/pay/online/{payment_id:int}/check", opt=SIGNED_IN)
    async def check(self, me: Me, payment_id: FromPath[int]) -> Redirect:
        """The "I have paid" button: ask the provider now, then show the order."""
        payment = await check_online_payment(payment_id, me.id)
        return Redirect(f"/orders/{payment.order_id}", status_code=HTTP_303_SEE_OTHER)
