"""Payment API: provider webhooks, an order's payments, and the sandbox pay page's JSON twin.

Webhooks: payment callbacks, and refund results for providers that send them.

HTTP only: `fulfilment.payment_events` decides what a payment does to its order, and
`payments.sandbox` is the sandbox's cashier (switched off unless configured).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_404_NOT_FOUND

from accounts.access import ANYONE, SIGNED_IN, Me
from accounts.roles import Role
from fulfilment.errors import OrderNotFound
from fulfilment.orders import customer_order
from fulfilment.payment_events import pay_in_sandbox, receive_callback
from fulfilment.views import load_order
from payments.errors import RefundNotFound
from payments.providers import get_provider
from payments.refund_callbacks import handle_refund_webhook
from payments.sandbox import sandbox_payment
from payments.service import PaymentView, payments_for_order


class WebhookReply(msgspec.Struct, omit_defaults=True):
    """What the platform answers a provider: processed, or a duplicate it already had."""

    result: Literal["processed", "duplicate"]
    payment_id: int | None = None
    order_id: int | None = None
    status: str | None = None


class RefundWebhookReply(msgspec.Struct, omit_defaults=True):
    """What the platform answers a refund notification: processed, or a duplicate."""

    result: Literal["processed", "duplicate"]
    refund_id: int | None = None
    payment_id: int | None = None
    status: str | None = None


class RefundOut(msgspec.Struct):
    """A refund of a payment."""

    id: int
    amount: int
    reason: str
    status: str
    created_at: datetime


class PaymentOut(msgspec.Struct):
    """A payment as the consumer sees it on the pay page."""

    id: int
    order_id: int
    order_number: str
    provider: str
    method: str
    amount: int
    refunded_amount: int
    currency: str
    status: str
    pay_url: str | None
    created_at: datetime
    refunds: list[RefundOut]


class SandboxResult(msgspec.Struct):
    """The consumer's choice on the sandbox pay page."""

    status: Literal["succeeded", "failed"]


def payment_out(payment: PaymentView) -> PaymentOut:
    """A payment as JSON."""
    return PaymentOut(
        id=payment.id,
        order_id=payment.order_id,
        order_number=payment.order_number,
        provider=payment.provider,
        method=payment.method,
        amount=payment.amount,
        refunded_amount=payment.refunded_amount,
        currency=payment.currency,
        status=payment.status,
        pay_url=payment.pay_url,
        created_at=payment.created_at,
        refunds=[
            RefundOut(
                id=r.id, amount=r.amount, reason=r.reason, status=r.status, created_at=r.created_at
            )
            for r in payment.refunds
        ],
    )


async def process_callback(provider: str, body: bytes, headers: Any) -> WebhookReply:
    """A provider's raw callback, handed to fulfilment, as the reply the provider gets."""
    result = await receive_callback(provider, body, headers)
    if result is None:
        return WebhookReply(result="duplicate")
    return WebhookReply(
        result="processed",
        payment_id=result.payment_id,
        order_id=result.order_id,
        status=result.status,
    )


class PaymentApi(Controller):
    """Provider webhooks and the JSON twin of the sandbox pay page."""

    path = "/api"
    tags = ["payments"]

    @post("/payments/{provider:str}/webhook", opt=ANYONE, status_code=HTTP_200_OK)
    async def webhook(
        self, request: Request[Any, Any, Any], provider: FromPath[str]
    ) -> WebhookReply | Response[str]:
        """A provider's signed callback: 200 processed or duplicate; 400 when not genuine.

        The signature is the authentication: an altered, unsigned or stale callback is
        refused with 400 and changes nothing; a replayed one is answered `duplicate`.
        An unknown provider, or one that sends no callbacks, is 404. A provider that wants
        a word back (Alipay: `success`) gets it instead of the JSON reply.
        """
        reply = await process_callback(provider, await request.body(), request.headers)
        ack = get_provider(provider).callback_ack
        if ack:
            return Response(ack, media_type=MediaType.TEXT)
        return reply

    @post("/payments/{provider:str}/refund-webhook", opt=ANYONE, status_code=HTTP_200_OK)
    async def refund_webhook(
        self, request: Request[Any, Any, Any], provider: FromPath[str]
    ) -> RefundWebhookReply | Response[dict[str, str]]:
        """A provider's signed refund result (WeChat Pay: REFUND.SUCCESS / ABNORMAL / CLOSED).

        200 processed or duplicate; 400 when not genuine, as for payment callbacks. A refund
        the platform does not know is 404 in the provider's own failure form
        (`{"code": "FAIL", "message": …}`), so it retries later; a provider that sends no
        refund notifications is 404.
        """
        try:
            notice = await handle_refund_webhook(provider, await request.body(), request.headers)
        except RefundNotFound as error:
            return Response(
                {"code": "FAIL", "message": error.localized()}, status_code=HTTP_404_NOT_FOUND
            )
        if notice is None:
            return RefundWebhookReply(result="duplicate")
        return RefundWebhookReply(
            result="processed",
            refund_id=notice.refund_id,
            payment_id=notice.payment_id,
            status=notice.status,
        )

    @get("/orders/{order_id:int}/payments", opt=SIGNED_IN)
    async def order_payments(self, me: Me, order_id: FromPath[int]) -> list[PaymentOut]:
        """Every payment of an order with its refunds (the consumer's own; operators any)."""
        if me.role is Role.OPERATOR:
            if await load_order(order_id, with_events=False) is None:
                raise OrderNotFound("Order {id} was not found", id=order_id)
        else:
            await customer_order(order_id, me.id)
        return [payment_out(payment) for payment in await payments_for_order(order_id)]

    @get("/pay/sandbox/{payment_id:int}", opt=SIGNED_IN)
    async def sandbox_payment(self, me: Me, payment_id: FromPath[int]) -> PaymentOut:
        """A sandbox payment of the consumer's own order (403 for anyone else's).

        404 where the sandbox is not enabled (it is for development only).
        """
        return payment_out(await sandbox_payment(payment_id, me.id))

    @post("/pay/sandbox/{payment_id:int}", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def sandbox_pay(
        self,
        me: Me,
        payment_id: FromPath[int],
        data: JSONBody[SandboxResult],
    ) -> PaymentOut:
        """Pay (or fail to pay) a pending sandbox payment, as the hosted page's buttons do.

        404 where the sandbox is not enabled (it is for development only).
        """
        return payment_out(await pay_in_sandbox(payment_id, me.id, data.status))
