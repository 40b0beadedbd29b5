"""The sandbox provider's hosted pay page (development only; see `payments.sandbox`)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import SIGNED_IN, Me
from core.types import ShortText
from fulfilment.payment_events import pay_in_sandbox
from payments.sandbox import sandbox_payment


class SandboxForm(msgspec.Struct):
    """The pay page form: which button was pressed."""

    outcome: ShortText = ""


class PaymentPages(Controller):
    """The sandbox provider's hosted pay page."""

    include_in_schema = False

    @get("/pay/sandbox/{payment_id:int}", opt=SIGNED_IN)
    async def sandbox_page(self, me: Me, payment_id: FromPath[int]) -> Template:
        """The amount, the order number, and the buttons to pay or fail."""
        payment = await sandbox_payment(payment_id, me.id)
        return Template("storefront/pay_sandbox.html", context={"payment": payment})

    @post("/pay/sandbox/{payment_id:int}", opt=SIGNED_IN)
    async def sandbox_submit(
        self,
        me: Me,
        payment_id: FromPath[int],
        data: URLEncodedBody[SandboxForm],
    ) -> Redirect:
        """Deliver the chosen result and go back to the order page (or the supplier's money)."""
        payment = await pay_in_sandbox(payment_id, me.id, data.outcome)
        back = f"/orders/{payment.order_id}" if payment.order_id else "/supplier/money"
        return Redirect(back, status_code=HTTP_303_SEE_OTHER)
