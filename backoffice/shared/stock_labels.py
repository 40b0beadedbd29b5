"""English labels (translated in templates) for the codes stock and location pages show."""

from __future__ import annotations

#: Codes as stored → English label; each label has a zh-CN translation in backoffice/locale.
LABELS: dict[str, dict[str, str]] = {
    "reason": {
        "count": "Count correction",
        "damage": "Damaged",
        "loss": "Lost",
        "found": "Found in count",
        "return": "Returned goods",
        "receive": "Goods received",
        "reserve": "Reserved for an order",
        "release": "Reservation released",
        "sale": "Sold",
        "transfer_out": "Transferred out",
        "transfer_in": "Transferred in",
        "transfer_back": "Transfer called back",
    },
    "transfer": {"in_transit": "In transit", "received": "Received", "cancelled": "Cancelled"},
    "kind": {"store": "Store", "warehouse": "Warehouse"},
    "day": {
        "Mon": "Monday",
        "Tue": "Tuesday",
        "Wed": "Wednesday",
        "Thu": "Thursday",
        "Fri": "Friday",
        "Sat": "Saturday",
        "Sun": "Sunday",
    },
    "precision": {
        "district": "placed to the district",
        "city": "placed to the city",
        "province": "placed to the province only",
        "world_city": "placed to the city",
        "geocoder": "placed by the map service",
    },
}


def label(group: str, code: str) -> str:
    """The English label of a code (the code itself when unknown)."""
    return LABELS.get(group, {}).get(code, code)
