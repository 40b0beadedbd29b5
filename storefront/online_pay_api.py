"""JSON twin of the hosted-cashier pay page: where to pay a payment, and "I have paid"."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_200_OK

from accounts.access import SIGNED_IN, Me
from fulfilment.payment_events import check_online_payment
from storefront.online_pay_pages import checkout_for
from storefront.payment_api import PaymentOut, payment_out


class PayActionOut(msgspec.Struct):
    """Where to pay: `redirect` (open the URL) or `qr` (show the URL as a QR code)."""

    kind: str
    url: str


class OnlineCheckoutOut(msgspec.Struct):
    """A payment, its provider's ways to pay, and where to pay in the chosen one."""

    payment: PaymentOut
    label: str
    modes: list[str]
    mode: str
    #: null once the payment is no longer pending.
    action: PayActionOut | None


class OnlinePayApi(Controller):
    """`/api/pay/online/{payment_id}`: the consumer's own payments through a real provider."""

    path = "/api/pay/online"
    tags = ["payments"]

    @get("/{payment_id:int}", opt=SIGNED_IN)
    async def checkout(
        self, request: Request, me: Me, payment_id: FromPath[int], mode: FromQuery[str] = ""
    ) -> OnlineCheckoutOut:
        """The cashier URL or QR content (`mode`: page, wap, native, h5; default by device).

        403 for another consumer's payment, 400 for a mode the provider does not offer or a
        payment not paid online, 502 when the provider cannot be reached.
        """
        found = await checkout_for(request, me, payment_id, mode[:20])
        return OnlineCheckoutOut(
            payment=payment_out(found.payment),
            label=found.label,
            modes=list(found.modes),
            mode=found.mode,
            action=PayActionOut(found.action.kind, found.action.url) if found.action else None,
        )

    @post("/{payment_id:int}/check", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def check(self, me: Me, payment_id: FromPath[int]) -> PaymentOut:
        """Ask the provider now whether the payment went through (a lost callback)."""
        return payment_out(await check_online_payment(payment_id, me.id))
