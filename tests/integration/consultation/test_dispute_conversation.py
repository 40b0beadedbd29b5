"""A dispute points to the consumer's conversation with the shop (both databases).

The link is made when the consumer disputes, or (for a request the sweep escalated) when
the operator first opens it: the pair's own conversation when they talked, a new one about
the order when they never did; one conversation per dispute however often it is asked.
The operator's words go out live to the consumer's, the shop's and the operators' topics.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from aftersales.requests import answer_request, create_request, escalate_unanswered
from consultation import conversations
from consultation.conversations import open_conversation
from consultation.disputes import dispute_conversation, join_dispute, open_dispute, write_in_dispute
from consultation.errors import ConversationDenied
from consultation.topics import OPERATOR_TOPIC, consumer_topic, party_topic
from tests.support.aftersales import received_order
from tests.support.factories import make_user


async def test_a_sweep_escalated_request_gets_a_new_conversation_about_the_order(
    db: Engine,
) -> None:
    bought = await received_order()
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        bought["lines"][0].id,
        kind="refund_only",
        reason="x",
    )
    await escalate_unanswered(datetime.now(UTC) + timedelta(hours=49))

    first = await dispute_conversation(asked.id)
    assert await dispute_conversation(asked.id) == first  # asked twice: one link
    thread = await join_dispute(await make_user(Role.OPERATOR), asked.id)
    assert thread.conversation.id == first
    assert (thread.conversation.subject_kind, thread.conversation.subject_id) == (
        "order",
        bought["order"].id,
    )
    assert thread.conversation.consumer_id == bought["consumer"].id
    assert thread.conversation.party_id == bought["supplier"]


async def test_a_dispute_reuses_the_pairs_conversation_and_the_operator_speaks_live(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[tuple[str, dict[str, Any]]] = []

    async def record(topic: str, event: dict[str, Any]) -> None:
        published.append((topic, event))

    monkeypatch.setattr(conversations, "publish_after_commit", record)
    bought = await received_order()
    consumer, seller = bought["consumer"], bought["supplier_user"]
    talked = await open_conversation(consumer, "supplier", bought["supplier"])
    asked = await create_request(
        consumer, bought["order"].id, bought["lines"][0].id, kind="refund_only", reason="坏了"
    )
    await answer_request(seller, asked.id, decision="reject", note="人为损坏")
    await open_dispute(consumer, asked.id, note="不是人为的")
    assert await dispute_conversation(asked.id) == talked.id

    with pytest.raises(ConversationDenied):
        await join_dispute(consumer, asked.id)
    operator = await make_user(Role.OPERATOR)
    published.clear()
    said = await write_in_dispute(operator, asked.id, "请上传开箱视频")
    assert said.side == "operator" and said.conversation_id == talked.id
    topics = [topic for topic, event in published if event.get("id") == said.id]
    assert sorted(topics) == sorted(
        [consumer_topic(consumer.id), party_topic("supplier", bought["supplier"]), OPERATOR_TOPIC]
    )
