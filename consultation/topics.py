"""Realtime topics of consultation: one per consumer, one per shop or store, one for operators."""

from __future__ import annotations


def consumer_topic(user_id: int) -> str:
    """Everything said to one consumer."""
    return f"chat:user:{user_id}"


def party_topic(party_kind: str, party_id: int) -> str:
    """Everything said to one shop's (supplier) or store's staff."""
    return f"chat:{party_kind}:{party_id}"


#: Conversations an operator joined.
OPERATOR_TOPIC = "chat:operator"
