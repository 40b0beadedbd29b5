"""Stock levels per location and the movement ledger that explains every change."""

from __future__ import annotations

from locations.tables import StockLevel, StockMovement
from server.database import write_transaction
from server.errors import InvalidInput


async def receive_stock(
    *,
    location_id: int,
    variant_id: int,
    quantity: int,
    actor_id: int | None = None,
    reference: str = "",
) -> int:
    """Add received units to a location's on-hand stock; returns the new on_hand.

    Creates the level row on first receipt. The ledger row is written in the same
    transaction, so the ledger always sums to the levels.
    """
    if quantity <= 0:
        raise InvalidInput("Received quantity must be above zero")
    async with write_transaction():
        level = (
            await StockLevel.objects()
            .where(StockLevel.location == location_id)
            .where(StockLevel.variant == variant_id)
            .first()
        )
        if level is None:
            await StockLevel.insert(
                StockLevel(location=location_id, variant=variant_id, on_hand=quantity)
            )
            new_on_hand = quantity
        else:
            await StockLevel.update({StockLevel.on_hand: StockLevel.on_hand + quantity}).where(
                StockLevel.id == level.id
            )
            new_on_hand = level.on_hand + quantity
        await StockMovement.insert(
            StockMovement(
                location=location_id,
                variant=variant_id,
                on_hand_delta=quantity,
                reason="receive",
                reference=reference,
                actor_id=actor_id,
            )
        )
    return new_on_hand
