"""A consumer's notifications as JSON: list and mark read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from accounts.access import current_user, logged_in
from notifications.service import NotificationView, inbox, mark_read, unread_count


class NotificationOut(msgspec.Struct):
    """One inbox message."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    read_at: datetime | None
    created_at: datetime


class InboxOut(msgspec.Struct):
    """The latest messages and how many are unread."""

    items: list[NotificationOut]
    unread: int


def notification_out(n: NotificationView) -> NotificationOut:
    """A message as JSON."""
    return NotificationOut(n.id, n.kind, n.title, n.body, n.link, n.read_at, n.created_at)


class InboxApi(Controller):
    """The logged-in person's notifications."""

    path = "/api/notifications"
    tags = ["notifications"]

    @get("/", opt=logged_in())
    async def list_notifications(self, request: Request[Any, Any, Any]) -> InboxOut:
        """The latest messages, newest first, with the unread count."""
        user = current_user(request)
        assert user is not None
        items = await inbox(user.id)
        return InboxOut([notification_out(n) for n in items], await unread_count(user.id))

    @post("/{notification_id:int}/read", opt=logged_in(), status_code=HTTP_200_OK)
    async def read(
        self, request: Request[Any, Any, Any], notification_id: FromPath[int]
    ) -> NotificationOut:
        """Mark one message read."""
        user = current_user(request)
        assert user is not None
        return notification_out(await mark_read(user.id, notification_id))
