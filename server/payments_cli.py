"""`kuaiqu payments …`: reconcile a provider's day, and ask providers about pending payments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import click

from core.errors import DomainError


def _yesterday() -> date:
    from payments.reconciliation import CHINA

    return datetime.now(CHINA).date() - timedelta(days=1)


@click.group(name="payments")
def payments_cli() -> None:
    """Payment providers: daily reconciliation and lost-callback recovery."""


@payments_cli.command()
@click.option("--provider", required=True, help="A configured provider, e.g. alipay or wechat_pay.")
@click.option(
    "--date",
    "day",
    default="",
    help="The statement's day, YYYY-MM-DD (China time); default yesterday.",
)
def reconcile(provider: str, day: str) -> None:
    """Compare the provider's statement of a day with the platform's payments."""
    from payments.reconciliation import reconcile as run_reconciliation
    from server.cli import _run_db

    try:
        chosen = date.fromisoformat(day) if day else _yesterday()
    except ValueError as error:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from error
    try:
        report = _run_db(lambda: run_reconciliation(provider, chosen))
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Run {report.run_id}: {provider} {report.day}: {report.statement_lines} statement "
        f"lines, {report.platform_payments} platform payments, "
        f"{len(report.mismatches)} mismatches."
    )
    for m in report.mismatches:
        click.echo(
            f"  {m.kind} {m.subject} {m.reference} payment={m.payment_id} "
            f"platform={m.platform_amount} provider={m.provider_amount} "
            f"({m.platform_status or '-'} / {m.provider_status or '-'})"
        )
    if report.mismatches:
        raise SystemExit(1)


@payments_cli.command()
@click.option(
    "--older-than", default=2, show_default=True, type=int, help="Minutes since the payment opened."
)
def sync(older_than: int) -> None:
    """Ask the providers about pending payments and processing refunds (lost callbacks)."""
    from fulfilment.payment_events import sync_payments
    from payments.recovery import sync_processing_refunds
    from server.cli import _run_db

    async def work() -> tuple[int, int]:
        results = await sync_payments(older_than_minutes=older_than)
        return len(results), await sync_processing_refunds()

    payments, refunds = _run_db(work)
    click.echo(f"{payments} payments and {refunds} refunds brought up to date.")
