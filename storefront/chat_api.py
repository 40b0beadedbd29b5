"""Consultation JSON API: conversations and messages, for whichever side the caller is on.

A consumer opens and writes in their own conversations; a supplier's or store's staff
answer the ones of their shop or store; an operator joins one a dispute points to. The
domain (`consultation.conversations`) decides the caller's side from their role.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody, MultipartBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import CONSUMERS, OPERATORS, SIGNED_IN, Me
from catalog.uploads import save_public_image
from consultation.conversations import (
    conversations_of,
    join_as_operator,
    mark_read,
    messages,
    open_conversation,
    send_message,
    unread_total,
)
from consultation.errors import InvalidMessage
from consultation.quick_replies import add_quick_reply, quick_replies
from core.types import Id, LongText


class OpenIn(msgspec.Struct):
    """Whom to ask, and from which page."""

    party_kind: Literal["supplier", "store"]
    party_id: Id
    subject_kind: Literal["", "product", "shop", "store", "order"] = ""
    subject_id: Id | None = None


class ConversationOut(msgspec.Struct):
    """A conversation and what is unread for the caller."""

    id: int
    consumer_id: int
    party_kind: str
    party_id: int
    subject_kind: str
    subject_id: int | None
    operator_joined: bool
    unread: int
    last_message_at: datetime


class ConversationsOut(msgspec.Struct):
    """The caller's conversations and their unread total."""

    items: list[ConversationOut]
    unread: int


class MessageIn(msgspec.Struct):
    """Text, or a product card (`product_id`)."""

    body: LongText = ""
    product_id: Id | None = None


class MessageOut(msgspec.Struct):
    """One message."""

    id: int
    conversation_id: int
    side: str
    kind: str
    body: str
    image: str
    product: dict[str, Any] | None
    created_at: datetime


class ImageForm(msgspec.Struct):
    """An image to send."""

    file: UploadFile | None = None


class QuickReplyIn(msgspec.Struct):
    """A canned answer."""

    text: LongText


class QuickReplyOut(msgspec.Struct):
    """A stored canned answer."""

    id: int
    text: str


class ChatApi(Controller):
    """`/api/chat`: pre-sales consultation."""

    path = "/api/chat"
    tags = ["chat"]

    @get("/", opt=SIGNED_IN)
    async def list_conversations(self, me: Me) -> ConversationsOut:
        """The caller's conversations, latest first, with the unread total."""
        items = await conversations_of(me)
        return ConversationsOut(
            msgspec.convert(items, list[ConversationOut], from_attributes=True),
            sum(c.unread for c in items),
        )

    @get("/unread", opt=SIGNED_IN)
    async def unread(self, me: Me) -> dict[str, int]:
        """Unread messages over all the caller's conversations."""
        return {"unread": await unread_total(me)}

    @post("/", opt=CONSUMERS, status_code=HTTP_201_CREATED)
    async def open(self, me: Me, data: JSONBody[OpenIn]) -> ConversationOut:
        """Open (or find) the consumer's conversation with a shop or store."""
        view = await open_conversation(
            me,
            data.party_kind,
            data.party_id,
            subject_kind=data.subject_kind,
            subject_id=data.subject_id,
        )
        return msgspec.convert(view, ConversationOut, from_attributes=True)

    @get("/{conversation_id:int}/messages", opt=SIGNED_IN)
    async def history(self, me: Me, conversation_id: FromPath[int]) -> list[MessageOut]:
        """The latest messages, oldest first."""
        items = await messages(me, conversation_id)
        return msgspec.convert(items, list[MessageOut], from_attributes=True)

    @post("/{conversation_id:int}/messages", opt=SIGNED_IN, status_code=HTTP_201_CREATED)
    async def send(
        self, me: Me, conversation_id: FromPath[int], data: JSONBody[MessageIn]
    ) -> MessageOut:
        """Send text or a product card; it reaches the other side's sockets at once."""
        sent = await send_message(me, conversation_id, body=data.body, product_id=data.product_id)
        return msgspec.convert(sent, MessageOut, from_attributes=True)

    @post("/{conversation_id:int}/images", opt=SIGNED_IN, status_code=HTTP_201_CREATED)
    async def send_image(
        self, me: Me, conversation_id: FromPath[int], data: MultipartBody[ImageForm]
    ) -> MessageOut:
        """Send an image (PNG, JPEG, GIF or WebP up to 5 MB)."""
        await messages(me, conversation_id)  # 404 before storing anything
        if data.file is None:
            raise InvalidMessage("file: choose an image")
        url = save_public_image(await data.file.read(), "chat", label="file")
        sent = await send_message(me, conversation_id, image=url)
        return msgspec.convert(sent, MessageOut, from_attributes=True)

    @post("/{conversation_id:int}/read", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def read(self, me: Me, conversation_id: FromPath[int]) -> ConversationOut:
        """The caller's side has read the conversation."""
        view = await mark_read(me, conversation_id)
        return msgspec.convert(view, ConversationOut, from_attributes=True)

    @post("/{conversation_id:int}/join", opt=OPERATORS, status_code=HTTP_200_OK)
    async def join(self, me: Me, conversation_id: FromPath[int]) -> ConversationOut:
        """An operator joins the conversation (the one a dispute points to)."""
        view = await join_as_operator(me, conversation_id)
        return msgspec.convert(view, ConversationOut, from_attributes=True)

    @get("/quick-replies", opt=SIGNED_IN)
    async def replies(self, me: Me) -> list[QuickReplyOut]:
        """The caller's shop's or store's quick replies."""
        return msgspec.convert(await quick_replies(me), list[QuickReplyOut], from_attributes=True)

    @post("/quick-replies", opt=SIGNED_IN, status_code=HTTP_201_CREATED)
    async def add_reply(self, me: Me, data: JSONBody[QuickReplyIn]) -> QuickReplyOut:
        """Add a quick reply for the caller's shop (supplier) or first store (staff)."""
        return msgspec.convert(
            await add_quick_reply(me, data.text), QuickReplyOut, from_attributes=True
        )
