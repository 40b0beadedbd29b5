"""Scheduled expiries: cancel unpaid orders, complete delivered ones nobody confirmed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core.periodic import periodic_lifespan, run_periodically
from core.settings import get_settings
from fulfilment.carriers import refresh_parcels
from fulfilment.errors import IllegalTransition, OrderNotPayable
from fulfilment.expiry import expire_pickups, remind_expiring_pickups
from fulfilment.orders import cancel_order, confirm_receipt
from fulfilment.payment_events import recover_order_payment
from fulfilment.statuses import OrderStatus
from fulfilment.tables import Order
from payments.providers import offline_provider_names

log = logging.getLogger(__name__)
#: Seconds between two runs of the sweeps in a running app.
SWEEP_INTERVAL_S = 60
#: Orders handled per sweep run, so one run stays short.
BATCH = 200


def sweeps_enabled() -> bool:
    """Whether the app runs the sweeps (off with KUAIQU_DISABLE_SWEEPS=1, e.g. in tests)."""
    return get_settings().sweeps_enabled


async def cancel_unpaid_orders(now: datetime) -> list[int]:
    """Cancel orders left unpaid past `settings.unpaid_order_minutes`; returns their ids."""
    cutoff = now - timedelta(minutes=get_settings().unpaid_order_minutes)
    rows = (
        await Order.select(Order.id)
        .where(
            (Order.status == OrderStatus.PENDING_PAYMENT)
            & (Order.created_at < cutoff)
            # Money collected by hand arrives at pickup or delivery, not within minutes.
            & Order.payment_method.not_in(offline_provider_names())
        )
        .order_by(Order.id)
        .limit(BATCH)
    )
    cancelled = []
    for row in rows:
        try:
            # A lost callback: the provider may have the money although we never heard.
            if await recover_order_payment(row["id"]):
                continue
        except Exception:
            log.exception("Trade query before cancelling order %s failed", row["id"])
        try:
            await cancel_order(row["id"], actor_id=None, reason="not paid in time")
        except (IllegalTransition, OrderNotPayable):
            continue  # paid or moved on meanwhile
        cancelled.append(row["id"])
    return cancelled


async def auto_confirm_orders(now: datetime) -> list[int]:
    """Complete delivered orders whose auto-confirm time has passed; returns their ids."""
    rows = (
        await Order.select(Order.id)
        .where((Order.status == OrderStatus.PAID) & (Order.auto_confirm_at <= now))
        .order_by(Order.id)
        .limit(BATCH)
    )
    done = []
    for row in rows:
        try:
            await confirm_receipt(row["id"], customer_id=None, actor_id=None)
        except (IllegalTransition, OrderNotPayable):
            continue
        done.append(row["id"])
    return done


async def run_sweeps(now: datetime) -> None:
    """Run every sweep once."""
    await cancel_unpaid_orders(now)
    await auto_confirm_orders(now)
    await remind_expiring_pickups(now)
    await expire_pickups(now)
    await refresh_parcels(now=now)  # carriers' new scans; signed-for parcels become delivered


async def run_sweeps_now() -> None:
    """Run every sweep once, as of now."""
    await run_sweeps(datetime.now().astimezone())


async def sweep_forever(interval_s: float = SWEEP_INTERVAL_S) -> None:
    """Run the sweeps every `interval_s` seconds until cancelled; a failed run is logged.

    With several workers (Redis configured) one of them runs each period's sweeps
    (`core.periodic`); the others skip it.
    """
    await run_periodically("order-sweeps", interval_s, run_sweeps_now)


#: Runs the sweeps every minute while the app serves (off: KUAIQU_DISABLE_SWEEPS=1).
sweeps_lifespan = periodic_lifespan("order-sweeps", SWEEP_INTERVAL_S, run_sweeps_now)
