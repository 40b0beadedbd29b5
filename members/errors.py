"""Errors of the members package (messages translated in locale/members.zh_CN.json)."""

from __future__ import annotations

from core.errors import InvalidInput, NotFound


class MemberNotFound(NotFound):
    """No member with that code or phone."""


class InvalidLevels(InvalidInput):
    """The operator's level thresholds are not usable."""


class InvalidFavourite(InvalidInput):
    """Not something that can be saved."""


class NotEnoughPoints(InvalidInput):
    """More points than the member has or the order allows."""


class InvalidMemberPrice(InvalidInput):
    """A member price a supplier cannot set."""
