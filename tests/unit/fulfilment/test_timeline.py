"""The order timeline shows each step once, without repeated states or internal notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fulfilment.timeline import order_timeline

START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@dataclass
class Event:
    kind: str
    old_state: str
    new_state: str
    note: str
    created_at: datetime


def test_repeats_collapse_and_a_state_named_by_its_kind_is_not_repeated() -> None:
    events = [
        Event("placed", "", "pending_payment", "", START),
        Event("allocated", "", "allocated", "", START + timedelta(seconds=1)),
        Event("allocated", "", "allocated", "", START + timedelta(seconds=2)),  # 2nd store
        Event("payment_failed", "pending_payment", "pending_payment", "#7", START + timedelta(1)),
        Event("paid", "pending_payment", "paid", "", START + timedelta(2)),
    ]
    shown = [(e.kind, e.state, e.note) for e in order_timeline(events)]
    assert shown == [
        ("placed", "pending_payment", ""),
        ("allocated", "", ""),
        ("payment_failed", "", ""),
        ("paid", "", ""),
    ]
