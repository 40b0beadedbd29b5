"""Payments of orders: start one, confirm it offline or by a signed callback, refund it.

The one entry point for each rule of money coming in and going out. Orders live in
`fulfilment`, which calls these services; payments never imports fulfilment, so the
callback handler takes an optional `then` hook that the page layer uses to mark the order
paid inside the same transaction as the payment.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from piccolo.engine import engine_finder

from core.database import is_postgres, is_unique_violation, write_transaction
from notifications.service import notify_user
from payments.errors import (
    InvalidCallback,
    InvalidPayment,
    PaymentAccessDenied,
    PaymentConflict,
    PaymentNotFound,
    ProviderNotFound,
)
from payments.providers import (
    OFFLINE_METHODS,
    CallbackEvent,
    PaymentInfo,
    PaymentProvider,
    get_provider,
)
from payments.tables import Payment, Refund, WebhookEvent

#: Statuses of a payment whose money the platform holds (some of it may be refunded).
PAID_STATUSES = ("succeeded", "partially_refunded")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """A payment opened for an order, and where the consumer pays it."""

    payment_id: int
    provider: str
    status: str
    pay_url: str | None


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """The outcome of a confirmation or callback; `newly_changed` is False on repeats."""

    payment_id: int
    order_id: int
    #: succeeded | failed
    status: str
    newly_changed: bool


@dataclass(frozen=True, slots=True)
class RefundResult:
    """One refund issued from one payment."""

    refund_id: int
    payment_id: int
    provider: str
    amount: int
    currency: str
    #: succeeded | to_pay_at_counter
    status: str


@dataclass(frozen=True, slots=True)
class RefundView:
    """A refund as order pages show it."""

    id: int
    amount: int
    reason: str
    status: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PaymentView:
    """A payment as order pages and the pay page show it."""

    id: int
    order_id: int
    order_number: str
    customer_id: int | None
    provider: str
    method: str
    amount: int
    refunded_amount: int
    currency: str
    status: str
    pay_url: str | None
    created_at: datetime
    updated_at: datetime
    refunds: list[RefundView] = field(default_factory=list)


#: Called with a callback's result inside the callback's transaction (see handle_webhook).
ResultHook = Callable[[PaymentResult], Awaitable[None]]


def _now() -> datetime:
    return datetime.now(UTC)


def _info(row: dict) -> PaymentInfo:
    return PaymentInfo(
        id=row["id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        amount=row["amount"],
        currency=row["currency"],
        method=row["method"],
        provider_ref=row["provider_ref"],
    )


def _view(row: dict, refunds: list[RefundView]) -> PaymentView:
    return PaymentView(
        id=row["id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        customer_id=row["customer_id"],
        provider=row["provider"],
        method=row["method"],
        amount=row["amount"],
        refunded_amount=row["refunded_amount"],
        currency=row["currency"],
        status=row["status"],
        pay_url=row["pay_url"] or None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        refunds=refunds,
    )


async def start_payment(
    *,
    order_id: int,
    order_number: str,
    amount: int,
    currency: str = "CNY",
    provider: str,
    customer_id: int | None = None,
    new_order: bool = False,
) -> PaymentStart:
    """Open a payment of an order through a provider, or return the one already pending.

    Idempotent per (order, provider): a partial unique index allows one pending payment
    per pair, so a double click or a retried request gets the same payment back.
    `new_order`: the order was created in the caller's open transaction, so it has no
    payment yet and none is looked for.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidPayment("The amount to pay must be a whole number of fen above zero")
    if not _CURRENCY.match(currency):
        raise InvalidPayment("The currency must be a three-letter code such as CNY")
    chosen = get_provider(provider)
    outermost = engine_finder().current_transaction.get() is None
    try:
        return await _open_payment(
            chosen, order_id, order_number, amount, currency, provider, customer_id, new_order
        )
    except Exception as error:
        # Two requests opening the same payment at once on PostgreSQL: the loser trips the
        # partial unique index once the winner commits, and gets the winner's payment.
        # Inside a caller's transaction that transaction is spoilt, so the error stands.
        if not outermost or not is_unique_violation(error):
            raise
        pending = await _pending(order_id, provider)
        if pending is None or pending["amount"] != amount:
            raise
        return PaymentStart(pending["id"], provider, "pending", pending["pay_url"] or None)


async def _pending(order_id: int, provider: str) -> dict | None:
    return (
        await Payment.select()
        .where(
            (Payment.order_id == order_id)
            & (Payment.provider == provider)
            & (Payment.status == "pending")
        )
        .first()
    )


async def _open_payment(
    chosen: PaymentProvider,
    order_id: int,
    order_number: str,
    amount: int,
    currency: str,
    provider: str,
    customer_id: int | None,
    new_order: bool,
) -> PaymentStart:
    async with write_transaction():
        pending = None if new_order else await _pending(order_id, provider)
        if pending is not None:
            if pending["amount"] != amount or pending["currency"] != currency:
                raise PaymentConflict(
                    "A payment of a different amount is already open for order {number}",
                    number=order_number,
                )
            return PaymentStart(
                payment_id=pending["id"],
                provider=provider,
                status="pending",
                pay_url=pending["pay_url"] or None,
            )
        if not new_order and await Payment.exists().where(
            (Payment.order_id == order_id) & Payment.status.is_in(list(PAID_STATUSES))
        ):
            raise PaymentConflict("Order {number} is already paid", number=order_number)
        inserted = await Payment.insert(
            Payment(
                order_id=order_id,
                order_number=order_number,
                customer_id=customer_id,
                provider=provider,
                amount=amount,
                currency=currency,
                status="pending",
            )
        ).returning(Payment.id)
        payment_id = inserted[0]["id"]
        opened = await chosen.create(
            PaymentInfo(
                id=payment_id,
                order_id=order_id,
                order_number=order_number,
                amount=amount,
                currency=currency,
                method="",
                provider_ref="",
            )
        )
        if opened.pay_url or opened.provider_ref:  # paying at the counter opens nothing
            await Payment.update(
                {
                    Payment.pay_url: opened.pay_url or "",
                    Payment.provider_ref: opened.provider_ref,
                    Payment.updated_at: _now(),
                }
            ).where(Payment.id == payment_id)
    return PaymentStart(
        payment_id=payment_id, provider=provider, status="pending", pay_url=opened.pay_url
    )


async def confirm_offline_payment(
    *, order_id: int, method: str, actor_id: int | None
) -> PaymentResult:
    """Record money taken by hand (in store at the POS, or cash on delivery) as paid.

    One conditional UPDATE from pending, so two staff confirming at once count it once;
    confirming an order already paid offline returns its payment with `newly_changed`
    False.
    """
    if method not in OFFLINE_METHODS:
        raise InvalidPayment(
            "Payment method {method} is not one of cash, card or qr", method=method
        )
    async with write_transaction():
        rows = await Payment.select().where(Payment.order_id == order_id).order_by(Payment.id)
        offline = [row for row in rows if _is_offline(row["provider"])]
        pending = [row for row in offline if row["status"] == "pending"]
        if not pending:
            paid = [row for row in offline if row["status"] in PAID_STATUSES]
            if paid:
                return PaymentResult(paid[-1]["id"], order_id, "succeeded", newly_changed=False)
            raise PaymentConflict("Order {order_id} has no payment to collect", order_id=order_id)
        payment = pending[-1]
        changed = (
            await Payment.update(
                {
                    Payment.status: "succeeded",
                    Payment.method: method,
                    Payment.confirmed_by: actor_id,
                    Payment.updated_at: _now(),
                }
            )
            .where((Payment.id == payment["id"]) & (Payment.status == "pending"))
            .returning(Payment.id)
        )
    return PaymentResult(payment["id"], order_id, "succeeded", newly_changed=bool(changed))


def _is_offline(provider: str) -> bool:
    try:
        return get_provider(provider).offline
    except ProviderNotFound:
        return False


async def handle_webhook(
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    then: ResultHook | None = None,
) -> PaymentResult | None:
    """Verify and apply a provider's callback; None when this event was already handled.

    The signature is checked before anything is read from the database. The event id is
    recorded with the payment change in one transaction, so a replay finds it and changes
    nothing. `then` runs inside that transaction with the result (the page layer marks
    the order paid there): if it fails, the callback is not recorded and the provider's
    retry gets another chance.
    """
    chosen = get_provider(provider)
    if not chosen.accepts_callbacks:
        raise ProviderNotFound("Payment provider {name} takes no callbacks", name=provider)
    event = chosen.verify_callback(body, headers)
    digest = hashlib.sha256(body).hexdigest()
    try:
        return await _apply_callback(provider, event, digest, then)
    except Exception as error:
        # Two deliveries of one event racing on PostgreSQL: the loser hits the unique
        # event id once the winner commits; it is a replay like any other.
        if not is_unique_violation(error):
            raise
        if await WebhookEvent.exists().where(WebhookEvent.event_id == event.event_id):
            return None
        raise


async def _apply_callback(
    provider: str, event: CallbackEvent, digest: str, then: ResultHook | None
) -> PaymentResult | None:
    async with write_transaction():
        if await WebhookEvent.exists().where(WebhookEvent.event_id == event.event_id):
            return None
        payment = (
            await Payment.select()
            .where((Payment.id == event.payment_id) & (Payment.provider == provider))
            .first()
        )
        if payment is None:
            raise PaymentNotFound("No payment {payment_id}", payment_id=event.payment_id)
        if payment["amount"] != event.amount or payment["currency"] != event.currency:
            raise InvalidCallback(
                "The callback is for {paid} fen {paid_currency}, but the payment is for "
                "{amount} fen {currency}",
                paid=event.amount,
                paid_currency=event.currency,
                amount=payment["amount"],
                currency=payment["currency"],
            )
        await WebhookEvent.insert(
            WebhookEvent(
                provider=provider,
                event_id=event.event_id,
                payment_id=payment["id"],
                payload_digest=digest,
            )
        )
        # A success may follow a failure (the consumer tried again on the provider's
        # page); a failure never undoes a success.
        from_statuses = ["pending", "failed"] if event.status == "succeeded" else ["pending"]
        changes: dict = {Payment.status: event.status, Payment.updated_at: _now()}
        if event.status == "succeeded":
            changes[Payment.method] = "online"
        if event.provider_ref:
            changes[Payment.provider_ref] = event.provider_ref
        changed = (
            await Payment.update(changes)
            .where((Payment.id == payment["id"]) & Payment.status.is_in(from_statuses))
            .returning(Payment.id)
        )
        result = PaymentResult(
            payment_id=payment["id"],
            order_id=payment["order_id"],
            status=event.status,
            newly_changed=bool(changed),
        )
        if then is not None:
            await then(result)
    return result


async def refund_order_payments(
    *, order_id: int, amount: int | None = None, reason: str
) -> list[RefundResult]:
    """Give back `amount` fen of an order (all that was paid when None) through its providers.

    Payments are refunded oldest first until the amount is covered; an amount above what
    was paid and not yet refunded is refused. Nothing paid: nothing to do, [] is returned.
    """
    if amount is not None and (isinstance(amount, bool) or amount <= 0):
        raise InvalidPayment("The amount to refund must be a whole number of fen above zero")
    results: list[RefundResult] = []
    async with write_transaction():
        query = (
            Payment.select()
            .where((Payment.order_id == order_id) & Payment.status.is_in(list(PAID_STATUSES)))
            .order_by(Payment.id)
        )
        # Two refunds of one order must not both count the same money as refundable:
        # PostgreSQL locks the rows; SQLite's BEGIN IMMEDIATE already serialises writers.
        payments = await (query.lock_rows() if is_postgres(engine_finder()) else query)
        refundable = sum(p["amount"] - p["refunded_amount"] for p in payments)
        if refundable == 0:
            return []
        remaining = refundable if amount is None else amount
        if remaining > refundable:
            raise InvalidPayment(
                "Only {refundable} fen can be refunded on this order", refundable=refundable
            )
        for payment in payments:
            take = min(remaining, payment["amount"] - payment["refunded_amount"])
            if take <= 0:
                continue
            chosen = get_provider(payment["provider"])
            given = await chosen.refund(_info(payment), take)
            inserted = await Refund.insert(
                Refund(
                    payment=payment["id"],
                    amount=take,
                    reason=reason[:200],
                    status=given.status,
                    provider_ref=given.provider_ref,
                )
            ).returning(Refund.id)
            refunded = payment["refunded_amount"] + take
            await Payment.update(
                {
                    Payment.refunded_amount: refunded,
                    Payment.status: (
                        "refunded" if refunded == payment["amount"] else "partially_refunded"
                    ),
                    Payment.updated_at: _now(),
                }
            ).where(Payment.id == payment["id"])
            results.append(
                RefundResult(
                    refund_id=inserted[0]["id"],
                    payment_id=payment["id"],
                    provider=payment["provider"],
                    amount=take,
                    currency=payment["currency"],
                    status=given.status,
                )
            )
            remaining -= take
            if remaining == 0:
                break
        if results:
            given_back = sum(r.amount for r in results)
            await notify_user(
                payments[0]["customer_id"],
                "refunded",
                title=f"订单 {payments[0]['order_number']} 已退款 / Refunded",
                body=f"¥{given_back // 100}.{given_back % 100:02d}: {reason}",
                link=f"/orders/{order_id}",
            )
    return results


async def payments_for_order(order_id: int) -> list[PaymentView]:
    """Every payment of an order with its refunds, oldest first."""
    rows = await Payment.select().where(Payment.order_id == order_id).order_by(Payment.id)
    return await _views(rows)


async def _views(rows: list[dict]) -> list[PaymentView]:
    if not rows:
        return []
    refunds = (
        await Refund.select()
        .where(Refund.payment.is_in([row["id"] for row in rows]))
        .order_by(Refund.id)
    )
    by_payment: dict[int, list[RefundView]] = {}
    for refund in refunds:
        by_payment.setdefault(refund["payment"], []).append(
            RefundView(
                id=refund["id"],
                amount=refund["amount"],
                reason=refund["reason"],
                status=refund["status"],
                created_at=refund["created_at"],
            )
        )
    return [_view(row, by_payment.get(row["id"], [])) for row in rows]


async def get_payment(payment_id: int) -> PaymentView:
    """One payment with its refunds; raises PaymentNotFound."""
    rows = await Payment.select().where(Payment.id == payment_id)
    if not rows:
        raise PaymentNotFound("No payment {payment_id}", payment_id=payment_id)
    return (await _views(rows))[0]


async def customer_payment(payment_id: int, customer_id: int) -> PaymentView:
    """A payment its own customer may see and pay; raises PaymentAccessDenied for others."""
    payment = await get_payment(payment_id)
    if payment.customer_id != customer_id:
        raise PaymentAccessDenied("This payment belongs to another customer")
    return payment
