"""Stock assertions shared by tests: one level, and the ledger explaining every level."""

from __future__ import annotations

from locations.tables import StockLevel, StockMovement


async def stock_level(location_id: int, variant_id: int) -> tuple[int, int]:
    """(on_hand, reserved) of a variant at a location; (0, 0) when it has no row."""
    row = (
        await StockLevel.select(StockLevel.on_hand, StockLevel.reserved)
        .where((StockLevel.location == location_id) & (StockLevel.variant == variant_id))
        .first()
    )
    return (row["on_hand"], row["reserved"]) if row else (0, 0)


async def assert_ledger_matches_levels() -> None:
    """Summing the movement ledger gives every level, and no level is negative."""
    levels = {
        (r["location"], r["variant"]): (r["on_hand"], r["reserved"])
        for r in await StockLevel.select()
    }
    sums: dict[tuple[int, int], list[int]] = {}
    for m in await StockMovement.select():
        entry = sums.setdefault((m["location"], m["variant"]), [0, 0])
        entry[0] += m["on_hand_delta"]
        entry[1] += m["reserved_delta"]
    assert {k: tuple(v) for k, v in sums.items()} == levels
    assert all(on_hand >= reserved >= 0 for on_hand, reserved in levels.values())
