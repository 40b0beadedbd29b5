"""The consumer's member card as JSON: level, progress, points and their history."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get

from accounts.access import CONSUMERS, Me
from members.views import member_view


class LevelOut(msgspec.Struct):
    """A member level and the spend (fen) that reaches it."""

    id: int
    name_zh: str
    name_en: str
    min_spend: int


class PointsRowOut(msgspec.Struct):
    """One row of the points ledger."""

    delta: int
    balance: int
    reason: str
    channel: str
    order_id: int | None
    note: str
    created_at: datetime


class MemberOut(msgspec.Struct):
    """The member card."""

    user_id: int
    points: int
    #: Fen spent over the rolling period (paid less refunded).
    spend: int
    level: LevelOut | None
    next_level: LevelOut | None
    progress: int
    #: The text of the member QR code shown at the counter.
    qr: str
    history: list[PointsRowOut]


class MemberApi(Controller):
    """`/api/member`: the signed-in consumer's member card."""

    path = "/api/member"
    tags = ["members"]

    @get("/", opt=CONSUMERS)
    async def card(self, me: Me) -> MemberOut:
        """Level, progress to the next, points balance and history, member QR text."""
        return msgspec.convert(await member_view(me.id), MemberOut, from_attributes=True)
