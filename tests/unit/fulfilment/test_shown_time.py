"""Times shown to people are China time in a plain form, whatever form they arrive in."""

from __future__ import annotations

from datetime import UTC, datetime

from fulfilment.hours import shown_time
from server.templating import local_time


def test_utc_moments_are_shown_in_china_time_without_iso_marks() -> None:
    at = datetime(2026, 11, 28, 2, 18, tzinfo=UTC)
    assert shown_time(at) == "2026-11-28 10:18"
    assert shown_time(at.replace(tzinfo=None)) == "2026-11-28 10:18"  # naive = UTC
    assert shown_time("2026-11-28T02:18+00:00") == "2026-11-28 10:18"
    assert local_time(at, "%m-%d %H:%M") == "11-28 10:18"
    assert shown_time(None) == "" and shown_time("soon") == "soon"
