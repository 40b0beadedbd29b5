"""The conversation an after-sales dispute points to, and the operator in it.

A disputed or escalated request points to the conversation of its consumer and the shop
(their one conversation, made when they never talked). The operator ruling on it joins that
conversation from the arbitration console, reads its history and writes as the platform
(side `operator`, shown as 平台客服); both parties get the messages live over /ws/chat.
An operator enters no other conversation (`conversations._conversation`: 403).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import CurrentUser, Role
from aftersales.requests import RequestView, escalate, find_request
from aftersales.statuses import OPERATOR_STATUSES
from consultation.conversations import (
    ConversationView,
    MessageView,
    join_as_operator,
    messages,
    send_message,
)
from consultation.errors import ConversationDenied, NotDisputed
from consultation.tables import Conversation, DisputeConversation
from core.database import write_transaction


@dataclass(frozen=True)
class DisputeThread:
    """The dispute's conversation and its latest messages, oldest first."""

    request_id: int
    conversation: ConversationView
    messages: list[MessageView]


async def dispute_conversation(request_id: int) -> int:
    """The id of the conversation a dispute points to (linked on first use).

    Raises:
        RequestNotFound: no such after-sales request (404).
        NotDisputed: it was never disputed or escalated (409).
    """
    link = (
        await DisputeConversation.select(DisputeConversation.conversation_id)
        .where(DisputeConversation.request_id == request_id)
        .first()
    )
    if link is not None:
        return link["conversation_id"]
    request = await find_request(request_id)
    if request.status not in OPERATOR_STATUSES and not request.ruling:
        raise NotDisputed("After-sales request {id} does not wait for a ruling", id=request_id)
    pair = (
        (Conversation.consumer_id == request.customer_id)
        & (Conversation.party_kind == "supplier")
        & (Conversation.party_id == request.supplier_id)
    )
    async with write_transaction():
        # One conversation per consumer and shop (unique index): theirs, or a new one
        # about the order when they never talked.
        await Conversation.insert(
            Conversation(
                consumer_id=request.customer_id,
                party_kind="supplier",
                party_id=request.supplier_id,
                subject_kind="order",
                subject_id=request.order_id,
            )
        ).on_conflict(action="DO NOTHING")
        conversation = await Conversation.select(Conversation.id).where(pair).first()
        assert conversation is not None
        await DisputeConversation.insert(
            DisputeConversation(request_id=request_id, conversation_id=conversation["id"])
        ).on_conflict(action="DO NOTHING")  # a twin call linked it first
        link = (
            await DisputeConversation.select(DisputeConversation.conversation_id)
            .where(DisputeConversation.request_id == request_id)
            .first()
        )
    assert link is not None
    return link["conversation_id"]


async def open_dispute(consumer: CurrentUser, request_id: int, *, note: str) -> RequestView:
    """The consumer disputes a decision; the dispute points to their shop conversation.

    Both in one transaction (`aftersales.requests.escalate`, then the link).

    A request the sweep escalates is linked when the operator first opens it.
    """
    async with write_transaction():
        disputed = await escalate(consumer, request_id, note=note)
        await dispute_conversation(request_id)
    return disputed


def _operator(user: CurrentUser) -> None:
    if user.role is not Role.OPERATOR:
        raise ConversationDenied("Only an operator joins a dispute's conversation")


async def join_dispute(operator: CurrentUser, request_id: int) -> DisputeThread:
    """The operator joins the dispute's conversation (once) and reads its history."""
    _operator(operator)
    conversation_id = await dispute_conversation(request_id)
    view = await join_as_operator(operator, conversation_id)
    return DisputeThread(request_id, view, await messages(operator, conversation_id))


async def write_in_dispute(operator: CurrentUser, request_id: int, body: str) -> MessageView:
    """The operator writes in the dispute's conversation as the platform (joining first)."""
    _operator(operator)
    conversation_id = await dispute_conversation(request_id)
    await join_as_operator(operator, conversation_id)
    return await send_message(operator, conversation_id, body=body)
