"""Daily reconciliation: a provider's statement against the platform's payments and refunds.

For one provider and one day (China time), every statement line is matched by reference
with the platform's payment or refund, and every paid platform payment and provider
refund of that day is looked for in the statement. Each difference is stored, named:
`missing_on_platform`, `missing_at_provider`, `amount_differs`, `status_differs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from core.database import write_transaction
from payments.capabilities import (
    StatementLine,
    StatementSource,
    payment_id_of,
    payment_reference,
)
from payments.errors import InvalidPayment
from payments.providers import get_provider, registered_providers
from payments.statuses import PAID_STATUSES, RefundStatus
from payments.tables import Payment, ReconciliationMismatch, ReconciliationRun, Refund

#: Providers' statements follow China's day.
CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between the statement and the platform."""

    kind: str
    subject: str
    reference: str
    payment_id: int | None = None
    platform_amount: int | None = None
    provider_amount: int | None = None
    platform_status: str = ""
    provider_status: str = ""


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    """A stored run and what it found."""

    run_id: int
    provider: str
    day: str
    statement_lines: int
    platform_payments: int
    mismatches: list[Mismatch]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), CHINA)
    return start, start + timedelta(days=1)


async def compare(
    provider: str, day: date, lines: list[StatementLine]
) -> tuple[int, list[Mismatch]]:
    """The mismatches of a statement against the platform; also the platform's payment count."""
    start, end = _day_bounds(day)
    of_day = await Payment.select().where(
        (Payment.provider == provider) & (Payment.created_at >= start) & (Payment.created_at < end)
    )
    ids = {payment_id_of(line.reference) for line in lines} - {None}
    named = await Payment.select().where(Payment.id.is_in(list(ids))) if ids else []
    payments = {row["id"]: row for row in [*of_day, *named] if row["provider"] == provider}
    found: list[Mismatch] = []
    stated: set[int] = set()
    for line in (x for x in lines if x.kind == "payment"):
        pid = payment_id_of(line.reference)
        row = payments.get(pid) if pid is not None else None
        if row is None:
            found.append(
                Mismatch(
                    "missing_on_platform",
                    "payment",
                    line.reference,
                    provider_amount=line.amount,
                    provider_status=line.status[:24],
                )
            )
            continue
        stated.add(row["id"])
        if row["status"] not in PAID_STATUSES and row["status"] != "refunded":
            found.append(
                Mismatch(
                    "status_differs",
                    "payment",
                    line.reference,
                    row["id"],
                    row["amount"],
                    line.amount,
                    row["status"],
                    "paid",
                )
            )
        elif row["amount"] != line.amount:
            found.append(
                Mismatch(
                    "amount_differs",
                    "payment",
                    line.reference,
                    row["id"],
                    row["amount"],
                    line.amount,
                    row["status"],
                    "paid",
                )
            )
    paid_of_day = [r for r in of_day if r["status"] in (*PAID_STATUSES, "refunded")]
    for row in paid_of_day:
        if row["id"] not in stated:
            found.append(
                Mismatch(
                    "missing_at_provider",
                    "payment",
                    payment_reference(row["id"]),
                    row["id"],
                    row["amount"],
                    None,
                    row["status"],
                    "",
                )
            )
    refunds = await Refund.select(*Refund.all_columns(), Refund.payment.provider).where(
        (Refund.payment.provider == provider)
        & (Refund.created_at >= start)
        & (Refund.created_at < end)
        & Refund.status.is_in([RefundStatus.SUCCEEDED, RefundStatus.PROCESSING])
    )
    ours = {r["provider_ref"]: r for r in refunds if r["provider_ref"]}
    seen: set[str] = set()
    for line in (x for x in lines if x.kind == "refund"):
        refund = ours.get(line.refund_reference)
        if refund is None:
            found.append(
                Mismatch(
                    "missing_on_platform",
                    "refund",
                    line.refund_reference or line.reference,
                    payment_id_of(line.reference),
                    None,
                    line.amount,
                    "",
                    line.status[:24],
                )
            )
            continue
        seen.add(line.refund_reference)
        if refund["amount"] != line.amount:
            found.append(
                Mismatch(
                    "amount_differs",
                    "refund",
                    line.refund_reference,
                    refund["payment"],
                    refund["amount"],
                    line.amount,
                    refund["status"],
                    line.status[:24],
                )
            )
    for reference, refund in ours.items():
        if reference not in seen:
            found.append(
                Mismatch(
                    "missing_at_provider",
                    "refund",
                    reference,
                    refund["payment"],
                    refund["amount"],
                    None,
                    refund["status"],
                    "",
                )
            )
    return len(paid_of_day), found


async def reconcile(provider: str, day: date) -> ReconciliationReport:
    """Download the provider's statement of `day`, compare it, store the run and mismatches."""
    chosen = get_provider(provider)
    if not isinstance(chosen, StatementSource):  # also ProviderNotFound for unknown names
        raise InvalidPayment("Provider {name} publishes no statement", name=provider)
    lines = await chosen.statement(day)  # outside the transaction: HTTP
    count, found = await compare(provider, day, lines)
    async with write_transaction():
        run = await ReconciliationRun.insert(
            ReconciliationRun(
                provider=provider,
                day=day.isoformat(),
                status="mismatched" if found else "matched",
                statement_lines=len(lines),
                platform_payments=count,
                mismatches=len(found),
            )
        ).returning(ReconciliationRun.id)
        run_id = run[0]["id"]
        if found:
            await ReconciliationMismatch.insert(
                *[
                    ReconciliationMismatch(
                        run=run_id,
                        kind=m.kind,
                        subject=m.subject,
                        reference=m.reference[:64],
                        payment_id=m.payment_id,
                        platform_amount=m.platform_amount,
                        provider_amount=m.provider_amount,
                        platform_status=m.platform_status,
                        provider_status=m.provider_status,
                    )
                    for m in found
                ]
            )
    return ReconciliationReport(run_id, provider, day.isoformat(), len(lines), count, found)


@dataclass(frozen=True, slots=True)
class RunView:
    """A stored run with its mismatches, as the operator sees it."""

    id: int
    provider: str
    day: str
    status: str
    statement_lines: int
    platform_payments: int
    mismatch_count: int
    created_at: datetime
    mismatches: list[Mismatch]


def statement_providers() -> list[str]:
    """The configured providers that publish a daily statement."""
    return sorted(
        name for name, p in registered_providers().items() if isinstance(p, StatementSource)
    )


async def recent_runs(limit: int = 50) -> list[RunView]:
    """The latest runs, newest first, with their mismatches."""
    runs = (
        await ReconciliationRun.select()
        .order_by(ReconciliationRun.id, ascending=False)
        .limit(limit)
    )
    if not runs:
        return []
    rows = (
        await ReconciliationMismatch.select()
        .where(ReconciliationMismatch.run.is_in([r["id"] for r in runs]))
        .order_by(ReconciliationMismatch.id)
    )
    by_run: dict[int, list[Mismatch]] = {}
    for m in rows:
        by_run.setdefault(m["run"], []).append(
            Mismatch(
                kind=m["kind"],
                subject=m["subject"],
                reference=m["reference"],
                payment_id=m["payment_id"],
                platform_amount=m["platform_amount"],
                provider_amount=m["provider_amount"],
                platform_status=m["platform_status"],
                provider_status=m["provider_status"],
            )
        )
    return [
        RunView(
            id=r["id"],
            provider=r["provider"],
            day=r["day"],
            status=r["status"],
            statement_lines=r["statement_lines"],
            platform_payments=r["platform_payments"],
            mismatch_count=r["mismatches"],
            created_at=r["created_at"],
            mismatches=by_run.get(r["id"], []),
        )
        for r in runs
    ]
