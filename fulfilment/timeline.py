"""An order's history as the consumer reads it: one entry per thing that happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from core.settings import get_settings


class _Event(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def old_state(self) -> str: ...
    @property
    def new_state(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """What happened (an event kind), the state it led to when that says more, a note."""

    kind: str
    #: The new status, only when it differs from the kind and from the status before.
    state: str
    note: str
    created_at: datetime


def order_timeline(events: Iterable[_Event]) -> list[TimelineEntry]:
    """The events of an order, oldest first, without repeats or internal references.

    An order split over two stores records "allocated" twice and "paid → paid" once; the
    consumer sees each step once and no state repeated next to the word that names it.
    Notes such as `#12` (a payment id) are for staff, not the timeline.
    """
    entries: list[TimelineEntry] = []
    for event in sorted(events, key=lambda e: e.created_at):
        changed = event.new_state and event.new_state not in (event.kind, event.old_state)
        note = "" if event.note.startswith("#") else event.note
        state = event.new_state if changed else ""
        entry = TimelineEntry(event.kind, state, note, event.created_at)
        last = entries[-1] if entries else None
        if last and (last.kind, last.state, last.note) == (entry.kind, entry.state, entry.note):
            continue
        entries.append(entry)
    return entries


def pay_deadline(created_at: datetime) -> datetime:
    """When an order not yet paid online is cancelled automatically.

    The same window `fulfilment.sweeps.cancel_unpaid_orders` applies.
    """
    return created_at + timedelta(minutes=get_settings().unpaid_order_minutes)
