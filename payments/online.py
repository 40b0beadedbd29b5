"""The consumer's side of a real provider's cashier: where to pay, and "I have paid"."""

from __future__ import annotations

from dataclasses import dataclass

from payments.capabilities import HostedCheckout, PayAction
from payments.errors import InvalidPayment
from payments.providers import get_provider
from payments.reads import customer_payment
from payments.records import PaymentView, ResultHook, _info
from payments.recovery import recover_payment
from payments.statuses import PaymentStatus
from payments.tables import Payment


@dataclass(frozen=True, slots=True)
class OnlineCheckout:
    """A consumer's payment, the ways its provider offers, and where to pay in the chosen one."""

    payment: PaymentView
    label: str
    modes: tuple[str, ...]
    mode: str
    #: None once the payment is no longer pending.
    action: PayAction | None


async def online_checkout(
    payment_id: int,
    customer_id: int,
    *,
    mode: str = "",
    mobile: bool = False,
    client_ip: str = "",
    return_url: str = "",
) -> OnlineCheckout:
    """Where the consumer pays their own payment: the cashier URL or the QR code's content.

    `mode` picks one of the provider's ways (page, wap, native, h5); empty: the phone way
    on a phone, else the first.
    """
    payment = await customer_payment(payment_id, customer_id)
    provider = get_provider(payment.provider)
    if not isinstance(provider, HostedCheckout):
        raise InvalidPayment("Payment {payment_id} is not paid online", payment_id=payment_id)
    chosen = mode or (provider.mobile_modes[0] if mobile else provider.modes[0])
    if chosen not in provider.modes:
        raise InvalidPayment(
            "mode must be one of {modes}, not {mode}",
            modes=", ".join(provider.modes),
            mode=chosen[:20],
        )
    action = None
    if payment.status == PaymentStatus.PENDING:
        row = await Payment.select().where(Payment.id == payment_id).first()
        assert row is not None
        action = await provider.pay_action(
            _info(row), mode=chosen, client_ip=client_ip, return_url=return_url
        )
    return OnlineCheckout(payment, provider.label, provider.modes, chosen, action)


async def check_with_provider(
    payment_id: int, customer_id: int, *, then: ResultHook | None = None
) -> PaymentView:
    """The consumer says they paid: ask the provider now rather than wait for its callback."""
    await customer_payment(payment_id, customer_id)
    row = await Payment.select().where(Payment.id == payment_id).first()
    if row is not None:
        await recover_payment(row, then=then)
    return await customer_payment(payment_id, customer_id)
