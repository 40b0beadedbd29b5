"""Errors of analytics (messages translated in analytics/locale)."""

from __future__ import annotations

from core.errors import InvalidInput, NotFound


class InvalidPeriod(InvalidInput):
    """A period, grain or table the dashboards cannot answer for."""


class UnknownTable(NotFound):
    """A dashboard table that does not exist."""
