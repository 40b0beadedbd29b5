"""The deposit ledger (保证金): paid in through a provider, deducted by rulings, refunded.

A supplier's balance is the sum of its entries. Payments come in from the paid callback
(`settlement.dues`); deductions (for example a dispute ruling) never take the balance below
zero; when a supplier leaves, what is left goes back through the providers it was paid with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from catalog.onboarding import supplier_detail
from core.database import current_engine, is_postgres, write_transaction
from payments.purpose_payments import purpose_payments, refund_purpose_payment
from payments.purposes import PaymentPurpose
from payments.statuses import PAID_STATUSES
from settlement.errors import InvalidSettlement, SettlementConflict
from settlement.tables import DepositEntry


class DepositKind(StrEnum):
    """What moved the deposit."""

    PAYMENT = "payment"
    DEDUCTION = "deduction"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class DepositEntryView:
    """One line of the deposit ledger."""

    id: int
    kind: str
    amount: int
    reason: str
    payment_id: int | None
    created_at: datetime


async def deposit_balance(supplier_id: int) -> int:
    """Fen of deposit the platform holds for a supplier."""
    rows = await DepositEntry.select(DepositEntry.amount).where(
        DepositEntry.supplier_id == supplier_id
    )
    return sum(r["amount"] for r in rows)


async def deposit_ledger(supplier_id: int) -> list[DepositEntryView]:
    """A supplier's deposit entries, oldest first."""
    rows = (
        await DepositEntry.select()
        .where(DepositEntry.supplier_id == supplier_id)
        .order_by(DepositEntry.id)
    )
    return [
        DepositEntryView(
            r["id"], r["kind"], r["amount"], r["reason"], r["payment_id"], r["created_at"]
        )
        for r in rows
    ]


async def _locked_balance(supplier_id: int) -> int:
    """The balance inside a write transaction, no other change of it running meanwhile.

    PostgreSQL: the supplier's entries are locked first, then summed by a second statement
    (which sees what a transaction we waited for added). SQLite serialises writers anyway.
    """
    if is_postgres(current_engine()):
        await (
            DepositEntry.select(DepositEntry.id)
            .where(DepositEntry.supplier_id == supplier_id)
            .lock_rows()
        )
    return await deposit_balance(supplier_id)


async def record_deposit_paid(supplier_id: int, *, payment_id: int, amount: int) -> None:
    """A deposit payment arrived (once per payment: its id is unique in the ledger)."""
    async with write_transaction():
        if await DepositEntry.exists().where(DepositEntry.payment_id == payment_id):
            return
        await DepositEntry.insert(
            DepositEntry(
                supplier_id=supplier_id,
                kind=DepositKind.PAYMENT,
                amount=amount,
                reason="deposit paid",
                payment_id=payment_id,
            )
        )


async def deduct_deposit(
    supplier_id: int, amount: int, reason: str, *, actor_id: int | None = None
) -> int:
    """Take `amount` fen from a supplier's deposit (e.g. a dispute ruling); returns the balance.

    Refused (409) when the deposit holds less than that.
    """
    reason = reason.strip()
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidSettlement("amount: a deduction must be a whole number of fen above zero")
    if not reason:
        raise InvalidSettlement("reason: say why the deposit is deducted")
    await supplier_detail(supplier_id)  # 404 for an unknown supplier
    async with write_transaction():
        balance = await _locked_balance(supplier_id)
        if amount > balance:
            raise SettlementConflict("The deposit holds only {balance} fen", balance=balance)
        await DepositEntry.insert(
            DepositEntry(
                supplier_id=supplier_id,
                kind=DepositKind.DEDUCTION,
                amount=-amount,
                reason=reason[:200],
                actor_id=actor_id,
            )
        )
    return balance - amount


async def refund_deposit(supplier_id: int, reason: str, *, actor_id: int | None = None) -> int:
    """A supplier leaves: give its whole remaining deposit back; returns the fen refunded.

    Only a suspended supplier (one that no longer sells) gets its deposit back. The money
    goes back through the deposit payments, oldest first.
    """
    supplier = await supplier_detail(supplier_id)
    if supplier["status"] != "suspended":
        raise SettlementConflict("Suspend the supplier before refunding its deposit")
    reason = reason.strip() or "supplier left the platform"
    async with write_transaction():
        balance = await _locked_balance(supplier_id)
        if balance <= 0:
            raise SettlementConflict("The deposit holds nothing to refund")
        left = balance
        for payment in await purpose_payments(PaymentPurpose.DEPOSIT, supplier_id):
            if left == 0:
                break
            if payment.status not in PAID_STATUSES:
                continue
            take = min(left, payment.amount - payment.refunded_amount)
            if take > 0:
                await refund_purpose_payment(payment.id, take, reason)
                left -= take
        if left:
            raise SettlementConflict(
                "{left} fen of the deposit was not paid through a provider", left=left
            )
        await DepositEntry.insert(
            DepositEntry(
                supplier_id=supplier_id,
                kind=DepositKind.REFUND,
                amount=-balance,
                reason=reason[:200],
                actor_id=actor_id,
            )
        )
    return balance
