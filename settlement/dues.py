"""What a newly approved supplier pays before it goes active: the entry fee and the deposit.

The operator approves an application; the supplier then sees its dues (入驻费 from
KUAIQU_SUPPLIER_ENTRY_FEE, 保证金 as approved) and pays each through an online provider.
The provider's paid callback reaches `_on_paid` (registered with `payments.purposes`): a
deposit enters the ledger, and once nothing is due the catalog is told
(`catalog.onboarding.mark_dues_paid`), which activates the supplier if it has accepted the
agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import CurrentUser
from catalog.onboarding import entry_fee, mark_dues_paid, supplier_detail
from core.errors import PermissionDenied
from payments.providers import pays_online, provider_names
from payments.purpose_payments import purpose_payments, start_purpose_payment
from payments.purposes import PaymentPurpose, register_purpose_handler
from payments.reads import get_payment
from payments.records import PaymentResult, PaymentStart
from payments.statuses import PAID_STATUSES, PaymentStatus
from settlement.deposits import deposit_balance, record_deposit_paid
from settlement.errors import InvalidSettlement, SettlementConflict

#: The purposes a supplier pays before going active.
DUES = (PaymentPurpose.ENTRY_FEE, PaymentPurpose.DEPOSIT)


@dataclass(frozen=True, slots=True)
class Dues:
    """A supplier's entry fee and deposit: what is asked, what is paid, what is left."""

    supplier_id: int
    status: str
    entry_fee: int
    entry_fee_paid: int
    deposit: int
    deposit_balance: int
    #: Whether both were paid once (the supplier may go active).
    settled: bool

    @property
    def entry_fee_due(self) -> int:
        """Fen of the entry fee still to pay."""
        return 0 if self.settled else max(0, self.entry_fee - self.entry_fee_paid)

    @property
    def deposit_due(self) -> int:
        """Fen of the deposit still to pay (a top-up after deductions is shown, not required)."""
        return max(0, self.deposit - self.deposit_balance)

    def due(self, purpose: str) -> int:
        """Fen still to pay for `purpose`."""
        return self.entry_fee_due if purpose == PaymentPurpose.ENTRY_FEE else self.deposit_due


async def supplier_dues(supplier_id: int) -> Dues:
    """A supplier's dues as they stand."""
    supplier = await supplier_detail(supplier_id)
    fees = await purpose_payments(PaymentPurpose.ENTRY_FEE, supplier_id)
    return Dues(
        supplier_id=supplier_id,
        status=supplier["status"],
        entry_fee=entry_fee(),
        entry_fee_paid=sum(p.amount - p.refunded_amount for p in fees if p.status in PAID_STATUSES),
        deposit=supplier["deposit"],
        deposit_balance=await deposit_balance(supplier_id),
        settled=supplier["dues_paid_at"] is not None,
    )


def online_providers() -> list[str]:
    """Providers a supplier can pay its dues through (the online ones)."""
    return [name for name in provider_names() if pays_online(name)]


async def pay_dues(user: CurrentUser, purpose: str, provider: str | None = None) -> PaymentStart:
    """Open the payment of the supplier's entry fee or deposit; returns where to pay it."""
    if user.supplier_id is None:
        raise PermissionDenied("Only supplier staff can pay the supplier's dues")
    if purpose not in DUES:
        raise InvalidSettlement("purpose: choose entry_fee or deposit")
    choices = online_providers()
    chosen = provider or (choices[0] if choices else "")
    if chosen not in choices:
        raise InvalidSettlement("provider: choose one of {names}", names=", ".join(choices))
    dues = await supplier_dues(user.supplier_id)
    if dues.status not in ("approved", "active", "suspended"):
        raise SettlementConflict("Your application is not approved yet")
    amount = dues.due(purpose)
    if amount == 0:
        raise SettlementConflict("Nothing is due for {purpose}", purpose=purpose)
    return await start_purpose_payment(
        purpose=PaymentPurpose(purpose),
        subject_id=user.supplier_id,
        reference=f"S{user.supplier_id}-{purpose}",
        amount=amount,
        provider=chosen,
        payer_id=user.id,
    )


async def _on_paid(result: PaymentResult) -> None:
    """A fee or deposit payment settled (inside the callback's transaction)."""
    if not result.newly_changed or result.status != PaymentStatus.SUCCEEDED:
        return
    if result.subject_id is None:
        return
    if result.purpose == PaymentPurpose.DEPOSIT:
        payment = await get_payment(result.payment_id)
        await record_deposit_paid(
            result.subject_id, payment_id=result.payment_id, amount=payment.amount
        )
    await activate_if_paid(result.subject_id)


async def activate_if_paid(supplier_id: int) -> bool:
    """Tell the catalog once nothing is due; returns whether the supplier is active."""
    dues = await supplier_dues(supplier_id)
    if dues.settled or (dues.entry_fee_due == 0 and dues.deposit_due == 0):
        return await mark_dues_paid(supplier_id)
    return False


for _purpose in DUES:
    register_purpose_handler(_purpose, _on_paid)
