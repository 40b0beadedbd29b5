"""Quick replies: canned answers a shop's or a store's staff send with one click."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import CurrentUser, Role
from consultation.errors import InvalidMessage
from consultation.tables import QuickReply
from core.database import write_transaction

#: Most quick replies one shop or store keeps.
MAX_REPLIES = 30


@dataclass(frozen=True)
class QuickReplyView:
    """One canned answer."""

    id: int
    text: str


def _party(user: CurrentUser) -> tuple[str, int] | None:
    if user.role is Role.SUPPLIER and user.supplier_id is not None:
        return "supplier", user.supplier_id
    if user.role is Role.STAFF and user.store_ids:
        return "store", user.store_ids[0]
    return None


async def quick_replies(user: CurrentUser) -> list[QuickReplyView]:
    """The quick replies of the caller's shop or store (none for other roles)."""
    party = _party(user)
    if party is None:
        return []
    rows = (
        await QuickReply.select()
        .where((QuickReply.party_kind == party[0]) & (QuickReply.party_id == party[1]))
        .order_by(QuickReply.id)
    )
    return [QuickReplyView(r["id"], r["text"]) for r in rows]


async def add_quick_reply(user: CurrentUser, text: str) -> QuickReplyView:
    """Add a quick reply for the caller's shop (supplier) or store (staff)."""
    party = _party(user)
    if party is None:
        raise InvalidMessage("Only a shop's or a store's staff keep quick replies")
    text = text.strip()
    if not text or len(text) > 500:
        raise InvalidMessage("text: between 1 and 500 characters")
    async with write_transaction():
        if len(await quick_replies(user)) >= MAX_REPLIES:
            raise InvalidMessage("text: at most {n} quick replies", n=MAX_REPLIES)
        row = await QuickReply.insert(
            QuickReply(party_kind=party[0], party_id=party[1], text=text)
        ).returning(QuickReply.id)
    return QuickReplyView(row[0]["id"], text)
