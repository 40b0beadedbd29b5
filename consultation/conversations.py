"""Conversations between a consumer and a shop or store: open, send, read, list.

Every message is one row and one counter bump in one transaction; the event goes out on
the realtime hub after the commit, to the consumer's topic, the party's topic and (once an
operator joined) the operators' topic, so it reaches sockets on every app process (Redis).
Unread counts live on the conversation: the consumer's side and the shop's side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.product_cards import visible_cards
from consultation.away import AWAY_MESSAGE, answering_now
from consultation.errors import ConversationDenied, ConversationNotFound, InvalidMessage
from consultation.tables import ChatMessage, Conversation, DisputeConversation
from consultation.topics import OPERATOR_TOPIC, consumer_topic, party_topic
from core.database import write_transaction
from core.realtime import publish_after_commit
from locations.places import place
from notifications.roles import notify_supplier
from notifications.service import notify_user
from notifications.wording import both

#: Who answers: a supplier's staff (their shop) or a store's staff.
PARTY_KINDS = ("supplier", "store")
#: Pages a conversation may be opened from.
SUBJECT_KINDS = ("", "product", "shop", "store", "order")
#: Longest text message.
MAX_TEXT = 2000
#: Messages shown at once.
PAGE = 100


@dataclass(frozen=True)
class MessageView:
    """One message as both sides see it."""

    id: int
    conversation_id: int
    side: str
    kind: str
    body: str
    image: str
    product: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True)
class ConversationView:
    """A conversation in a list: who, about what, and what is unread for the caller."""

    id: int
    consumer_id: int
    party_kind: str
    party_id: int
    subject_kind: str
    subject_id: int | None
    operator_joined: bool
    unread: int
    last_message_at: datetime


def _side(user: CurrentUser, row: dict[str, Any]) -> str | None:
    """The caller's side of a conversation (None: not theirs)."""
    if user.role is Role.CONSUMER and row["consumer_id"] == user.id:
        return "consumer"
    if user.role is Role.SUPPLIER and row["party_kind"] == "supplier":
        return "shop" if user.supplier_id == row["party_id"] else None
    if user.role is Role.STAFF and row["party_kind"] == "store":
        return "shop" if row["party_id"] in user.store_ids else None
    if user.role is Role.OPERATOR:
        return "operator"
    return None


async def disputed(conversation_id: int) -> bool:
    """Whether an after-sales dispute points to this conversation (operators may enter)."""
    return await DisputeConversation.exists().where(
        DisputeConversation.conversation_id == conversation_id
    )


async def _conversation(user: CurrentUser, conversation_id: int) -> tuple[dict[str, Any], str]:
    """The conversation and the caller's side in it.

    Raises:
        ConversationNotFound: no such conversation, or not the caller's (404).
        ConversationDenied: an operator, and no dispute points to it (403).
    """
    row = await Conversation.select().where(Conversation.id == conversation_id).first()
    side = _side(user, row) if row is not None else None
    if row is None or side is None:
        raise ConversationNotFound("Conversation {id} was not found", id=conversation_id)
    if side == "operator" and not await disputed(conversation_id):
        raise ConversationDenied(
            "Operators enter only a conversation an after-sales dispute points to"
        )
    return row, side


def _view(row: dict[str, Any], side: str) -> ConversationView:
    return ConversationView(
        id=row["id"],
        consumer_id=row["consumer_id"],
        party_kind=row["party_kind"],
        party_id=row["party_id"],
        subject_kind=row["subject_kind"],
        subject_id=row["subject_id"],
        operator_joined=row["operator_joined"],
        unread=row["consumer_unread"] if side == "consumer" else row["shop_unread"],
        last_message_at=row["last_message_at"],
    )


async def _party_exists(party_kind: str, party_id: int) -> bool:
    if party_kind == "store":
        return (await place(party_id)) is not None
    from catalog.shops import public_shop

    try:
        await public_shop(party_id)
    except Exception:  # NotFound or a suspended shop: no one to ask
        return False
    return True


async def open_conversation(
    consumer: CurrentUser,
    party_kind: str,
    party_id: int,
    *,
    subject_kind: str = "",
    subject_id: int | None = None,
) -> ConversationView:
    """The consumer's conversation with a shop or store (made on first use).

    Raises:
        InvalidMessage: not a consumer, an unknown kind of party or subject, no such party.
    """
    if consumer.role is not Role.CONSUMER:
        raise InvalidMessage("Only consumers start a consultation")
    if party_kind not in PARTY_KINDS:
        raise InvalidMessage("party_kind: ask a supplier's shop or a store")
    if subject_kind not in SUBJECT_KINDS:
        raise InvalidMessage("subject_kind: product, shop, store or order")
    if not await _party_exists(party_kind, party_id):
        raise InvalidMessage("party_id: there is no such shop or store")
    async with write_transaction():
        where = (
            (Conversation.consumer_id == consumer.id)
            & (Conversation.party_kind == party_kind)
            & (Conversation.party_id == party_id)
        )
        row = await Conversation.select().where(where).first()
        if row is None:
            await Conversation.insert(
                Conversation(
                    consumer_id=consumer.id,
                    party_kind=party_kind,
                    party_id=party_id,
                    subject_kind=subject_kind,
                    subject_id=subject_id,
                )
            ).on_conflict(action="DO NOTHING")  # a twin request made it first (unique index)
        elif subject_kind:
            await Conversation.update(
                {Conversation.subject_kind: subject_kind, Conversation.subject_id: subject_id}
            ).where(Conversation.id == row["id"])
        row = await Conversation.select().where(where).first()
    assert row is not None
    return _view(row, "consumer")


async def _message_views(rows: list[dict[str, Any]]) -> list[MessageView]:
    cards = {
        card["id"]: card
        for card in await visible_cards([r["product_id"] for r in rows if r["product_id"]])
    }
    return [
        MessageView(
            id=r["id"],
            conversation_id=r["conversation_id"],
            side=r["side"],
            kind=r["kind"],
            body=r["body"],
            image=r["image"],
            product=(
                {k: cards[r["product_id"]][k] for k in ("id", "name", "image", "price_from")}
                if r["product_id"] in cards
                else None
            ),
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def _publish(row: dict[str, Any], message: MessageView) -> None:
    event = {
        "type": "message",
        **{k: v for k, v in asdict(message).items() if k != "created_at"},
        "created_at": message.created_at.isoformat(),
        "consumer_unread": row["consumer_unread"],
        "shop_unread": row["shop_unread"],
    }
    await publish_after_commit(consumer_topic(row["consumer_id"]), event)
    await publish_after_commit(party_topic(row["party_kind"], row["party_id"]), event)
    if row["operator_joined"]:
        await publish_after_commit(OPERATOR_TOPIC, event)


async def _insert(
    row: dict[str, Any],
    side: str,
    sender_id: int | None,
    *,
    kind: str,
    body: str = "",
    image: str = "",
    product_id: int | None = None,
) -> MessageView:
    """Store one message, bump the other sides' unread counts, publish after commit."""
    inserted = await ChatMessage.insert(
        ChatMessage(
            conversation_id=row["id"],
            sender_id=sender_id,
            side=side,
            kind=kind,
            body=body,
            image=image,
            product_id=product_id,
        )
    ).returning(ChatMessage.id)
    changes: dict[Any, Any] = {Conversation.last_message_at: datetime.now(UTC)}
    if side != "consumer":
        changes[Conversation.consumer_unread] = Conversation.consumer_unread + 1
    if side in ("consumer", "operator"):  # the platform speaks to both parties
        changes[Conversation.shop_unread] = Conversation.shop_unread + 1
    await Conversation.update(changes).where(Conversation.id == row["id"])
    fresh = await Conversation.select().where(Conversation.id == row["id"]).first()
    message_row = await ChatMessage.select().where(ChatMessage.id == inserted[0]["id"]).first()
    assert fresh is not None and message_row is not None
    message = (await _message_views([message_row]))[0]
    await _publish(fresh, message)
    return message


async def send_message(
    user: CurrentUser,
    conversation_id: int,
    *,
    body: str = "",
    image: str = "",
    product_id: int | None = None,
) -> MessageView:
    """Send text, an image (its stored /media URL) or a product card into a conversation.

    A consumer writing outside the party's hours gets the away message once (not again
    while it is the latest message from that side).

    Raises:
        ConversationNotFound: not the caller's conversation.
        InvalidMessage: nothing to send, too long, or an unknown product.
    """
    body = body.strip()
    if not body and not image and product_id is None:
        raise InvalidMessage("body: write something, or send an image or a product")
    if len(body) > MAX_TEXT:
        raise InvalidMessage("body: at most {n} characters", n=MAX_TEXT)
    if product_id is not None and not await visible_cards([product_id]):
        raise InvalidMessage("product_id: there is no such product")
    kind = "image" if image else "product" if product_id is not None else "text"
    async with write_transaction():
        row, side = await _conversation(user, conversation_id)
        if side == "operator" and not row["operator_joined"]:
            raise InvalidMessage("Join the conversation before writing in it")
        message = await _insert(
            row, side, user.id, kind=kind, body=body, image=image, product_id=product_id
        )
        if side != "consumer" and row["consumer_unread"] == 0:
            # The first unread reply reaches the inbox (and e-mail); later ones only the chat.
            await notify_user(
                row["consumer_id"],
                "chat_reply",
                title=both("A reply to your question"),
                body=body[:200],
                link=f"/chat/{row['id']}",
            )
        if side == "consumer" and not await answering_now(row["party_kind"], row["party_id"]):
            last_other = (
                await ChatMessage.select(ChatMessage.kind)
                .where(
                    (ChatMessage.conversation_id == row["id"]) & (ChatMessage.side != "consumer")
                )
                .order_by(ChatMessage.id, ascending=False)
                .first()
            )
            if last_other is None or last_other["kind"] != "away":
                fresh = await Conversation.select().where(Conversation.id == row["id"]).first()
                assert fresh is not None
                await _insert(fresh, "system", None, kind="away", body=AWAY_MESSAGE)
    return message


async def join_as_operator(operator: CurrentUser, conversation_id: int) -> ConversationView:
    """An operator joins a conversation a dispute points to (403 another); a notice is posted."""
    if operator.role is not Role.OPERATOR:
        raise ConversationNotFound("Conversation {id} was not found", id=conversation_id)
    async with write_transaction():
        row, _ = await _conversation(operator, conversation_id)
        if not row["operator_joined"]:
            await Conversation.update({Conversation.operator_joined: True}).where(
                Conversation.id == conversation_id
            )
            row = {**row, "operator_joined": True}
            await _insert(
                row,
                "operator",
                operator.id,
                kind="text",
                body=both("The platform joined"),
            )
            # Both parties hear of it once, whether or not their chat page is open.
            joined = both("The platform joined your conversation about a dispute")
            link = f"/chat/{conversation_id}"
            await notify_user(row["consumer_id"], "dispute_chat", title=joined, link=link)
            if row["party_kind"] == "supplier":
                await notify_supplier(row["party_id"], "dispute_chat", title=joined, link=link)
        row, _ = await _conversation(operator, conversation_id)
    return _view(row, "operator")


async def messages(user: CurrentUser, conversation_id: int) -> list[MessageView]:
    """The latest messages of a conversation, oldest first."""
    await _conversation(user, conversation_id)
    rows = (
        await ChatMessage.select()
        .where(ChatMessage.conversation_id == conversation_id)
        .order_by(ChatMessage.id, ascending=False)
        .limit(PAGE)
    )
    return await _message_views(list(reversed(rows)))


async def mark_read(user: CurrentUser, conversation_id: int) -> ConversationView:
    """The caller's side has read the conversation: its unread count goes to zero."""
    async with write_transaction():
        row, side = await _conversation(user, conversation_id)
        if side != "operator":
            column = (
                Conversation.consumer_unread if side == "consumer" else Conversation.shop_unread
            )
            await Conversation.update({column: 0}).where(Conversation.id == conversation_id)
        row, side = await _conversation(user, conversation_id)
    return _view(row, side)


def _mine(user: CurrentUser) -> Any:
    if user.role is Role.CONSUMER:
        return Conversation.consumer_id == user.id
    if user.role is Role.SUPPLIER and user.supplier_id is not None:
        return (Conversation.party_kind == "supplier") & (Conversation.party_id == user.supplier_id)
    if user.role is Role.STAFF and user.store_ids:
        return (Conversation.party_kind == "store") & Conversation.party_id.is_in(
            list(user.store_ids)
        )
    if user.role is Role.OPERATOR:
        return Conversation.operator_joined == True  # noqa: E712 (a column comparison)
    return None


async def conversations_of(user: CurrentUser) -> list[ConversationView]:
    """The caller's conversations, latest first (operators: the ones they joined)."""
    where = _mine(user)
    if where is None:
        return []
    rows = (
        await Conversation.select()
        .where(where)
        .order_by(Conversation.last_message_at, ascending=False)
        .limit(PAGE)
    )
    return [_view(row, _side(user, row) or "operator") for row in rows]


async def unread_total(user: CurrentUser) -> int:
    """Messages the caller's side has not read, over all their conversations."""
    return sum(c.unread for c in await conversations_of(user))


def topics_of(user: CurrentUser) -> list[str]:
    """The realtime topics a person's chat socket follows."""
    if user.role is Role.CONSUMER:
        return [consumer_topic(user.id)]
    if user.role is Role.SUPPLIER and user.supplier_id is not None:
        return [party_topic("supplier", user.supplier_id)]
    if user.role is Role.STAFF:
        return [party_topic("store", s) for s in user.store_ids]
    if user.role is Role.OPERATOR:
        return [OPERATOR_TOPIC]
    return []
