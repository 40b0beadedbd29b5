"""Operator API of payment reconciliation: the runs, and running one for a provider's day."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody

from accounts.access import OPERATORS
from core.types import ShortText
from payments.reconciliation import recent_runs, reconcile, statement_providers


class MismatchOut(msgspec.Struct):
    """One difference between a statement and the platform."""

    kind: str
    subject: str
    reference: str
    payment_id: int | None
    platform_amount: int | None
    provider_amount: int | None
    platform_status: str
    provider_status: str


class RunOut(msgspec.Struct):
    """A reconciliation run and its mismatches."""

    id: int
    provider: str
    day: str
    status: str
    statement_lines: int
    platform_payments: int
    mismatch_count: int
    created_at: datetime
    mismatches: list[MismatchOut]


class ReconciliationOut(msgspec.Struct):
    """The providers that publish statements, and the latest runs."""

    providers: list[str]
    runs: list[RunOut]


class ReconcileIn(msgspec.Struct):
    """Which provider's statement of which day (China time) to reconcile."""

    provider: ShortText
    date: date


class ReconciliationApi(Controller):
    """`/api/operator/reconciliation`."""

    path = "/api/operator/reconciliation"
    tags = ["operator"]

    @get("/", opt=OPERATORS)
    async def runs(self) -> ReconciliationOut:
        """The latest runs (newest first) with their mismatches."""
        return ReconciliationOut(
            providers=statement_providers(),
            runs=[msgspec.convert(r, RunOut, from_attributes=True) for r in await recent_runs()],
        )

    @post("/", opt=OPERATORS)
    async def run(self, data: JSONBody[ReconcileIn]) -> RunOut:
        """Download the provider's statement of the day and compare it (201 with the run)."""
        report = await reconcile(data.provider, data.date)
        latest = next(r for r in await recent_runs(5) if r.id == report.run_id)
        return msgspec.convert(latest, RunOut, from_attributes=True)
