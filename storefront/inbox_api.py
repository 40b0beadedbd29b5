"""A consumer's notifications as JSON: list and mark read."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from accounts.access import SIGNED_IN, Me
from notifications.service import inbox, mark_read, unread_count


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


class InboxApi(Controller):
    """The logged-in person's notifications."""

    path = "/api/notifications"
    tags = ["notifications"]

    @get("/", opt=SIGNED_IN)
    async def list_notifications(
        self,
        me: Me,
    ) -> InboxOut:
        """The latest messages, newest first, with the unread count."""
        items = await inbox(me.id)
        return InboxOut(
            msgspec.convert(items, list[NotificationOut], from_attributes=True),
            await unread_count(me.id),
        )

    @post("/{notification_id:int}/read", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def read(self, me: Me, notification_id: FromPath[int]) -> NotificationOut:
        """Mark one message read."""
        read = await mark_read(me.id, notification_id)
        return msgspec.convert(read, NotificationOut, from_attributes=True)
