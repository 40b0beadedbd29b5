"""Consultation pages: the list of conversations and one conversation, live over /ws/chat.

The same pages serve both sides: a consumer's conversations, or those of the caller's shop
or store (staff and suppliers); the domain decides which from the role.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import CONSUMERS, SIGNED_IN, Me
from catalog.uploads import save_public_image
from consultation.conversations import (
    conversations_of,
    mark_read,
    messages,
    open_conversation,
    send_message,
)
from consultation.errors import InvalidMessage
from consultation.quick_replies import quick_replies
from core.types import parse_whole


class StartForm(msgspec.Struct):
    """Ask a shop or store, from a page."""

    party_kind: str = ""
    party_id: str = ""
    subject_kind: str = ""
    subject_id: str = ""


class SendForm(msgspec.Struct):
    """Text or a product card."""

    body: str = ""
    product_id: str = ""


class ImageForm(msgspec.Struct):
    """An image to send."""

    file: UploadFile | None = None


def _id(value: str, field: str) -> int | None:
    return parse_whole(value, field, low=1, high=2**63 - 1, default=0) or None


class ChatPages(Controller):
    """`/chat` and `/chat/{id}`."""

    include_in_schema = False

    @get("/chat", opt=SIGNED_IN)
    async def list_page(self, me: Me) -> Template:
        """The caller's conversations, latest first, unread ones marked."""
        return Template("storefront/chat_list.html", context={"items": await conversations_of(me)})

    @post("/chat/start", opt=CONSUMERS)
    async def start(self, me: Me, data: URLEncodedBody[StartForm]) -> Redirect:
        """Open (or find) the conversation with a shop or store and go to it."""
        party_id = _id(data.party_id, "party_id")
        if party_id is None:
            raise InvalidMessage("party_id: there is no such shop or store")
        view = await open_conversation(
            me,
            data.party_kind,
            party_id,
            subject_kind=data.subject_kind,
            subject_id=_id(data.subject_id, "subject_id"),
        )
        return Redirect(f"/chat/{view.id}", status_code=HTTP_303_SEE_OTHER)

    @get("/chat/{conversation_id:int}", opt=SIGNED_IN)
    async def thread(self, me: Me, conversation_id: FromPath[int]) -> Template:
        """One conversation: its messages (live), the message form and quick replies."""
        context: dict[str, Any] = {
            "cid": conversation_id,
            "items": await messages(me, conversation_id),
            "replies": await quick_replies(me),
        }
        await mark_read(me, conversation_id)
        return Template("storefront/chat_thread.html", context=context)

    @get("/chat/{conversation_id:int}/messages", opt=SIGNED_IN)
    async def fragment(self, me: Me, conversation_id: FromPath[int]) -> Template:
        """The messages, refetched on every socket event (and marked read)."""
        items = await messages(me, conversation_id)
        await mark_read(me, conversation_id)
        return Template("storefront/chat_messages.html", context={"items": items})

    @post("/chat/{conversation_id:int}/send", opt=SIGNED_IN)
    async def send(
        self, me: Me, conversation_id: FromPath[int], data: URLEncodedBody[SendForm]
    ) -> Redirect:
        """Send text or a product card, then back to the conversation."""
        await send_message(
            me,
            conversation_id,
            body=data.body,
            product_id=_id(data.product_id, "product_id"),
        )
        return Redirect(f"/chat/{conversation_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/chat/{conversation_id:int}/image", opt=SIGNED_IN)
    async def image(
        self, me: Me, conversation_id: FromPath[int], data: MultipartBody[ImageForm]
    ) -> Redirect:
        """Send an image."""
        await messages(me, conversation_id)
        if data.file is None:
            raise InvalidMessage("file: choose an image")
        url = save_public_image(await data.file.read(), "chat", label="file")
        await send_message(me, conversation_id, image=url)
        return Redirect(f"/chat/{conversation_id}", status_code=HTTP_303_SEE_OTHER)
