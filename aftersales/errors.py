"""Errors of after-sales (messages translated in aftersales/locale)."""

from __future__ import annotations

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class InvalidRequest(InvalidInput):
    """A field of a request, answer or ruling that cannot be used (400)."""


class WindowClosed(InvalidInput):
    """The return window of the line has passed (400, code `window_closed`)."""

    code = "window_closed"


class NotYours(PermissionDenied):
    """Someone else's order or request (403)."""


class RequestNotFound(NotFound):
    """No such after-sales request (404)."""


class RequestConflict(Conflict):
    """Not possible in the request's state, or done already (409)."""
