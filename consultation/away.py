"""Whether a shop or store is answering now; the away message outside its hours."""

from __future__ import annotations

from datetime import UTC, datetime

from fulfilment.hours import is_open
from locations.places import place

#: When a supplier's staff answer (Monday first, store time): every day 09:00-21:00.
SUPPLIER_HOURS = ["09:00-21:00"] * 7

#: Sent by the system when the consumer writes outside opening hours (zh-CN / English).
AWAY_MESSAGE = (
    "现在是非工作时间，我们会在营业后尽快回复。/ We are closed now and will reply when we open."
)


async def answering_now(party_kind: str, party_id: int, at: datetime | None = None) -> bool:
    """Whether the party is within its opening hours at `at` (now)."""
    moment = at or datetime.now(UTC)
    if party_kind == "store":
        facts = await place(party_id)
        hours = list((facts or {}).get("opening_hours") or [])
        return is_open(hours, moment)
    return is_open(SUPPLIER_HOURS, moment)
