"""Errors of the consultation package (messages translated in locale/)."""

from __future__ import annotations

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ConversationNotFound(NotFound):
    """No such conversation, or not one of the caller's."""


class InvalidMessage(InvalidInput):
    """An empty or unusable message or party."""


class ConversationDenied(PermissionDenied):
    """An operator asked for a conversation no dispute points to."""


class NotDisputed(Conflict):
    """The after-sales request does not wait for the platform's ruling."""
