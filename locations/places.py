"""Read-only facts about locations for other domains: names, hours and pickup rules by id.

Other domains never read the location table themselves; they ask here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.statements import fetch
from locations.tables import Location

#: What other domains may know of a location.
_FIELDS = (
    Location.id,
    Location.name,
    Location.kind,
    Location.lat,
    Location.lon,
    Location.address,
    Location.city,
    Location.phone,
    Location.opening_hours,
    Location.pickup_hold_days,
    Location.prep_minutes,
    Location.pickup_enabled,
    Location.is_active,
)


#: The same columns as one prepared statement: every order reads its store's row, and
#: Piccolo's select building cost more than the read itself.
_COLUMNS = ", ".join(f'"{field._meta.db_column_name}"' for field in _FIELDS)
_LOCATION_COLUMNS = ", ".join(f'l."{field._meta.db_column_name}"' for field in _FIELDS)


@dataclass(frozen=True, slots=True)
class StoreStock:
    """A location's public facts and what it holds of some variants, read together."""

    #: As `place` gives it; None when there is no such location.
    place: dict[str, Any] | None
    #: Variant id → on_hand − reserved there (0 where it has no stock row; may be negative).
    available: dict[int, int]


async def places_by_ids(location_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Location id → its public facts (opening_hours as a list), for the ids that exist."""
    ids = sorted(set(location_ids))
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    rows = await fetch(f"SELECT {_COLUMNS} FROM location WHERE id IN ({marks})", *ids)
    return {r["id"]: _public(r) for r in rows}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A location row read raw, as `place` gives it (opening_hours as a list)."""
    if isinstance(row["opening_hours"], str):  # JSON arrives as text on both databases
        row["opening_hours"] = json.loads(row["opening_hours"])
    return row


async def place(location_id: int) -> dict[str, Any] | None:
    """One location's public facts, or None when there is no such location."""
    return (await places_by_ids([location_id])).get(location_id)


async def place_with_stock(location_id: int, variant_ids: Iterable[int]) -> StoreStock:
    """One location's public facts and its stock of `variant_ids`, in one statement.

    A pickup at a chosen store needs both (`fulfilment.checkout`): one round trip, where
    `place` and `locations.stock_reads.available_quantities` were two.
    """
    wanted = sorted(set(variant_ids))
    variants = wanted or [-1]
    marks = ", ".join("{}" for _ in variants)
    rows = await fetch(
        f"SELECT {_LOCATION_COLUMNS}, s.variant AS stock_variant, "
        "s.on_hand - s.reserved AS stock_available FROM location l "
        f"LEFT JOIN stock_level s ON s.location = l.id AND s.variant IN ({marks}) "
        "WHERE l.id = {}",
        *variants,
        location_id,
    )
    available = dict.fromkeys(wanted, 0)
    for row in rows:
        variant, units = row.pop("stock_variant"), row.pop("stock_available")
        if variant is not None:
            available[variant] = units
    return StoreStock(_public(rows[0]) if rows else None, available)
