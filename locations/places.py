"""Read-only facts about locations for other domains: names, hours and pickup rules by id.

Other domains never read the location table themselves; they ask here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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


async def places_by_ids(location_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Location id → its public facts (opening_hours as a list), for the ids that exist."""
    ids = sorted(set(location_ids))
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    rows = await fetch(f"SELECT {_COLUMNS} FROM location WHERE id IN ({marks})", *ids)
    for row in rows:
        if isinstance(row["opening_hours"], str):  # JSON arrives as text on both databases
            row["opening_hours"] = json.loads(row["opening_hours"])
    return {r["id"]: r for r in rows}


async def place(location_id: int) -> dict[str, Any] | None:
    """One location's public facts, or None when there is no such location."""
    return (await places_by_ids([location_id])).get(location_id)
