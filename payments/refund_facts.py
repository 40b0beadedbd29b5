"""Read-only refund facts for analytics: how much of each order was given back."""

from __future__ import annotations

from collections.abc import Iterable

from payments.tables import Payment

_CHUNK = 500


async def refunded_by_order(order_ids: Iterable[int]) -> dict[int, int]:
    """Fen refunded so far per order, for the orders (of `order_ids`) with any refund."""
    ids = sorted(set(order_ids))
    refunded: dict[int, int] = {}
    for at in range(0, len(ids), _CHUNK):
        rows = await Payment.select(Payment.order_id, Payment.refunded_amount).where(
            Payment.order_id.is_in(ids[at : at + _CHUNK]) & (Payment.refunded_amount > 0)
        )
        for row in rows:
            refunded[row["order_id"]] = refunded.get(row["order_id"], 0) + row["refunded_amount"]
    return refunded
