"""Operator page of payment reconciliation: the runs, their mismatches, and a run form."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec
from litestar import Controller, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import OPERATORS
from core.errors import DomainError, InvalidInput
from core.types import ShortText
from payments.reconciliation import CHINA, recent_runs, reconcile, statement_providers


class ReconcileForm(msgspec.Struct):
    """The run form: a provider and a day."""

    provider: ShortText = ""
    day: ShortText = ""


async def _page(error: str | None = None, status: int = 200) -> Template:
    return Template(
        "backoffice/operator_reconciliation.html",
        context={
            "providers": statement_providers(),
            "runs": await recent_runs(),
            "yesterday": (datetime.now(CHINA).date() - timedelta(days=1)).isoformat(),
            "error": error,
        },
        status_code=status,
    )


class ReconciliationPages(Controller):
    """`/operator/reconciliation`."""

    path = "/operator/reconciliation"
    include_in_schema = False

    @get("/", opt=OPERATORS)
    async def show(self) -> Template:
        """The latest runs and their mismatches."""
        return await _page()

    @post("/", opt=OPERATORS)
    async def run(self, data: URLEncodedBody[ReconcileForm]) -> Template | Redirect:
        """Reconcile the chosen provider's day, then show the runs (errors on the page)."""
        try:
            try:
                day = date.fromisoformat(data.day)
            except ValueError:
                raise InvalidInput("day must be a date such as 2026-12-03") from None
            await reconcile(data.provider, day)
        except DomainError as error:
            return await _page(error.localized(), status=error.status_code)
        return Redirect("/operator/reconciliation", status_code=HTTP_303_SEE_OTHER)
