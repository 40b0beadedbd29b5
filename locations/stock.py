"""Stock levels per location and the movement ledger that explains every change.

This module is the only way stock changes: reservations for orders, sales, receipts,
adjustments and counts, transfers out, thresholds. Reads live in `locations.stock_reads`.
Every function here changes `StockLevel` with ONE conditional UPDATE per row and writes the
matching `StockMovement` in the same transaction, so levels never go negative and the
ledger always sums to the levels. Callers that already hold a transaction (placing an
order) share it: the whole order commits or nothing does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.database import write_transaction
from core.errors import Conflict, InvalidInput
from core.realtime import publish_after_commit, stock_topic
from core.row_insert import insert_rows
from core.statements import fetch
from locations.errors import InsufficientStock, InvalidStockChange
from locations.kinds import MovementReason
from locations.stock_reads import available_quantities, count_delta, level_of
from locations.tables import StockLevel, StockMovement

__all__ = [
    "Shortage",
    "StockLine",
    "available_quantities",
    "change_on_hand",
    "count_delta",
    "merge_lines",
    "publish_level",
    "receive_stock",
    "release_stock",
    "reserve_stock",
    "sell_reserved_stock",
    "set_threshold",
    "take_available",
]


@dataclass(frozen=True, slots=True)
class StockLine:
    """A quantity of one variant at one location."""

    location_id: int
    variant_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Shortage:
    """A line that could not be had: how many were asked for, how many are available."""

    location_id: int
    variant_id: int
    requested: int
    available: int


def merge_lines(lines: Iterable[StockLine]) -> list[StockLine]:
    """Add up lines of the same location and variant, in (location, variant) order.

    The order is the lock order: two orders touching the same rows lock them in the same
    sequence, so they wait for each other instead of deadlocking.
    """
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        if line.quantity <= 0:
            raise InvalidInput("Quantities must be above zero")
        totals[(line.location_id, line.variant_id)] += line.quantity
    return [StockLine(loc, var, qty) for (loc, var), qty in sorted(totals.items())]


def _movement_row(
    line: StockLine,
    *,
    on_hand_delta: int,
    reserved_delta: int,
    reason: str,
    reference: str,
    actor_id: int | None,
) -> StockMovement:
    return StockMovement(
        location=line.location_id,
        variant=line.variant_id,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        reason=reason,
        reference=reference,
        actor_id=actor_id,
    )


async def _movement(line: StockLine, **movement: Any) -> None:
    await StockMovement.insert(_movement_row(line, **movement))


async def publish_level(location_id: int, variant_id: int, on_hand: int, reserved: int) -> None:
    """Announce a stock row's new level on `stock:{variant}` once the change commits."""
    await publish_after_commit(
        stock_topic(variant_id),
        {
            "type": "stock",
            "variant_id": variant_id,
            "location_id": location_id,
            "on_hand": on_hand,
            "reserved": reserved,
            "available": on_hand - reserved,
        },
    )


async def reserve_stock(
    lines: Iterable[StockLine], *, reference: str, actor_id: int | None = None
) -> None:
    """Hold units for an order being placed: all lines or none.

    One conditional UPDATE per row (`reserved + n` only where `on_hand - reserved >= n`),
    checked by the rows it returns, so two buyers racing for the last unit cannot both win.

    Raises:
        InsufficientStock: some lines cannot be had; `extra["lines"]` names each with the
            quantity requested and available. The transaction is rolled back.
    """
    merged = merge_lines(lines)
    shortages: list[Shortage] = []
    movements: list[dict[str, Any]] = []
    async with write_transaction():
        for line in merged:
            held = await fetch(
                "UPDATE stock_level SET reserved = reserved + {} "
                "WHERE location = {} AND variant = {} AND on_hand - reserved >= {} "
                "RETURNING on_hand, reserved",
                line.quantity,
                line.location_id,
                line.variant_id,
                line.quantity,
            )
            if held:
                await publish_level(
                    line.location_id, line.variant_id, held[0]["on_hand"], held[0]["reserved"]
                )
                movements.append(
                    {
                        "location": line.location_id,
                        "variant": line.variant_id,
                        "on_hand_delta": 0,
                        "reserved_delta": line.quantity,
                        "reason": MovementReason.RESERVE,
                        "reference": reference,
                        "actor_id": actor_id,
                    }
                )
                continue
            available = await available_quantities([line.variant_id], [line.location_id])
            shortages.append(
                Shortage(
                    line.location_id,
                    line.variant_id,
                    line.quantity,
                    max(0, available.get((line.location_id, line.variant_id), 0)),
                )
            )
        if shortages:
            error = InsufficientStock(
                "Not enough stock: {details}",
                details="; ".join(
                    f"#{s.variant_id} ({s.requested} > {s.available})" for s in shortages
                ),
            )
            error.extra["lines"] = [
                {
                    "variant_id": s.variant_id,
                    "location_id": s.location_id,
                    "requested": s.requested,
                    "available": s.available,
                }
                for s in shortages
            ]
            raise error
        if movements:  # the ledger rows of every line, in one prepared statement
            await insert_rows(StockMovement, movements, ids_only=True)


async def release_stock(
    lines: Iterable[StockLine], *, reference: str, actor_id: int | None = None
) -> None:
    """Give reserved units back (order cancelled or expired)."""
    await _settle(
        lines, reason=MovementReason.RELEASE, sold=False, reference=reference, actor_id=actor_id
    )


async def sell_reserved_stock(
    lines: Iterable[StockLine], *, reference: str, actor_id: int | None = None
) -> None:
    """Turn reserved units into sold ones (handed over at pickup, or shipped)."""
    await _settle(
        lines, reason=MovementReason.SALE, sold=True, reference=reference, actor_id=actor_id
    )


async def _settle(
    lines: Iterable[StockLine], *, reason: str, sold: bool, reference: str, actor_id: int | None
) -> None:
    movements: list[StockMovement] = []
    async with write_transaction():
        for line in merge_lines(lines):
            sold_units = line.quantity if sold else 0
            changed = await fetch(
                "UPDATE stock_level SET reserved = reserved - {}, on_hand = on_hand - {} "
                "WHERE location = {} AND variant = {} AND reserved >= {} AND on_hand >= {} "
                "RETURNING on_hand, reserved",
                line.quantity,
                sold_units,
                line.location_id,
                line.variant_id,
                line.quantity,
                line.quantity,
            )
            if not changed:
                raise Conflict(
                    "Stock of variant {variant} at location {location} holds fewer reserved "
                    "units than {quantity}",
                    variant=line.variant_id,
                    location=line.location_id,
                    quantity=line.quantity,
                )
            await publish_level(
                line.location_id, line.variant_id, changed[0]["on_hand"], changed[0]["reserved"]
            )
            movements.append(
                _movement_row(
                    line,
                    on_hand_delta=-line.quantity if sold else 0,
                    reserved_delta=-line.quantity,
                    reason=reason,
                    reference=reference,
                    actor_id=actor_id,
                )
            )
        if movements:
            await StockMovement.insert(*movements)


async def receive_stock(
    *,
    location_id: int,
    variant_id: int,
    quantity: int,
    actor_id: int | None = None,
    reference: str = "",
) -> int:
    """Add received units to a location's on-hand stock; returns the new on_hand.

    Creates the level row on first receipt (the unique (location, variant) index makes a
    concurrent first receipt fail rather than duplicate the row).
    """
    if quantity <= 0:
        raise InvalidInput("Received quantity must be above zero")
    async with write_transaction():
        updated = await fetch(
            "UPDATE stock_level SET on_hand = on_hand + {} "
            "WHERE location = {} AND variant = {} RETURNING on_hand, reserved",
            quantity,
            location_id,
            variant_id,
        )
        if updated:
            new_on_hand, reserved = updated[0]["on_hand"], updated[0]["reserved"]
        else:
            await StockLevel.insert(
                StockLevel(location=location_id, variant=variant_id, on_hand=quantity)
            )
            new_on_hand, reserved = quantity, 0
        await publish_level(location_id, variant_id, new_on_hand, reserved)
        await _movement(
            StockLine(location_id, variant_id, quantity),
            on_hand_delta=quantity,
            reserved_delta=0,
            reason=MovementReason.RECEIVE,
            reference=reference,
            actor_id=actor_id,
        )
    return new_on_hand


async def change_on_hand(
    *,
    location_id: int,
    variant_id: int,
    delta: int,
    reason: str,
    reference: str = "",
    actor_id: int | None = None,
    sku: str = "",
) -> dict[str, int]:
    """Add `delta` (may be negative) to on_hand, never below reserved; returns the new level.

    One conditional UPDATE (`on_hand + delta >= reserved`), so a concurrent reservation
    cannot be undercut; creates the row when adding to a location that had none.
    """
    if delta == 0:
        raise InvalidStockChange("The change is zero: nothing to do")
    async with write_transaction():
        changed = await fetch(
            "UPDATE stock_level SET on_hand = on_hand + {} "
            "WHERE location = {} AND variant = {} AND on_hand + {} >= reserved "
            "RETURNING on_hand, reserved",
            delta,
            location_id,
            variant_id,
            delta,
        )
        if changed:
            on_hand, reserved = changed[0]["on_hand"], changed[0]["reserved"]
        else:
            current = await level_of(location_id, variant_id)
            if current is not None or delta < 0:
                current = current or {"on_hand": 0, "reserved": 0}
                raise InvalidStockChange(
                    "Cannot take {n} off {sku}: {on_hand} on hand, {reserved} reserved for "
                    "orders, so at most {can} can go",
                    n=-delta,
                    sku=sku or f"#{variant_id}",
                    on_hand=current["on_hand"],
                    reserved=current["reserved"],
                    can=current["on_hand"] - current["reserved"],
                )
            await StockLevel.insert(
                StockLevel(location=location_id, variant=variant_id, on_hand=delta)
            )
            on_hand, reserved = delta, 0
        await _movement(
            StockLine(location_id, variant_id, abs(delta)),
            on_hand_delta=delta,
            reserved_delta=0,
            reason=reason,
            reference=reference[:100],
            actor_id=actor_id,
        )
        await publish_level(location_id, variant_id, on_hand, reserved)
    return {"on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}


async def take_available(
    line: StockLine,
    *,
    reason: str,
    reference: str,
    actor_id: int | None = None,
    sku: str = "",
) -> dict[str, int]:
    """Take units out of on_hand, only from what is not reserved (a transfer leaving).

    One conditional UPDATE (`on_hand - reserved >= n`); returns the new level.
    """
    if line.quantity <= 0:
        raise InvalidStockChange("Quantities must be above zero")
    async with write_transaction():
        taken = await fetch(
            "UPDATE stock_level SET on_hand = on_hand - {} "
            "WHERE location = {} AND variant = {} AND on_hand - reserved >= {} "
            "RETURNING on_hand, reserved",
            line.quantity,
            line.location_id,
            line.variant_id,
            line.quantity,
        )
        if not taken:
            current = await level_of(line.location_id, line.variant_id)
            current = current or {"on_hand": 0, "reserved": 0}
            raise InvalidStockChange(
                "Only {available} of {sku} are available to transfer, not {n}",
                available=current["on_hand"] - current["reserved"],
                sku=sku or f"#{line.variant_id}",
                n=line.quantity,
            )
        await _movement(
            line,
            on_hand_delta=-line.quantity,
            reserved_delta=0,
            reason=reason,
            reference=reference,
            actor_id=actor_id,
        )
        on_hand, reserved = taken[0]["on_hand"], taken[0]["reserved"]
        await publish_level(line.location_id, line.variant_id, on_hand, reserved)
    return {"on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}


async def set_threshold(location_id: int, variant_id: int, threshold: int) -> None:
    """Warn when available units at a location fall to `threshold` or below.

    Creates the (empty) stock row when the location holds none of the variant yet.
    """
    if threshold < 0:
        raise InvalidStockChange("The low-stock threshold cannot be negative")
    async with write_transaction():
        updated = await fetch(
            "UPDATE stock_level SET low_stock_threshold = {} "
            "WHERE location = {} AND variant = {} RETURNING id",
            threshold,
            location_id,
            variant_id,
        )
        if not updated:
            await StockLevel.insert(
                StockLevel(location=location_id, variant=variant_id, low_stock_threshold=threshold)
            )
