"""Errors of the consultation package (messages translated in locale/)."""

from __future__ import annotations

from core.errors import InvalidInput, NotFound


class ConversationNotFound(NotFound):
    """No such conversation, or not one of the caller's."""


class InvalidMessage(InvalidInput):
    """An empty or unusable message or party."""
