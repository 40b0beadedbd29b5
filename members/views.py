"""What the member page and API show: level, progress to the next, points and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from members.cards import qr_text
from members.levels import Level, all_levels, level_for, next_level, rolling_spend
from members.points import ensure_member
from members.tables import PointsEntry

#: History rows shown.
HISTORY = 50


@dataclass(frozen=True)
class PointsRow:
    """One ledger row as the member sees it."""

    delta: int
    balance: int
    reason: str
    channel: str
    order_id: int | None
    note: str
    created_at: datetime


@dataclass(frozen=True)
class MemberView:
    """A member's page: balance, level and the way to the next one."""

    user_id: int
    points: int
    spend: int
    level: Level | None
    next_level: Level | None
    #: Percent of the way from this level's threshold to the next (100 at the top).
    progress: int
    qr: str
    history: list[PointsRow]


async def member_view(user_id: int) -> MemberView:
    """The member page of a person (a member row is created on first visit)."""
    member = await ensure_member(user_id)
    spend = await rolling_spend(member["id"])
    levels = await all_levels()
    level, upcoming = level_for(spend, levels), next_level(spend, levels)
    if upcoming is None:
        progress = 100
    else:
        floor = level.min_spend if level else 0
        progress = max(0, min(100, (spend - floor) * 100 // (upcoming.min_spend - floor)))
    rows = (
        await PointsEntry.select()
        .where(PointsEntry.member_id == member["id"])
        .order_by(PointsEntry.id, ascending=False)
        .limit(HISTORY)
    )
    return MemberView(
        user_id=user_id,
        points=member["points"],
        spend=spend,
        level=level,
        next_level=upcoming,
        progress=progress,
        qr=qr_text(member["code"]),
        history=[
            PointsRow(
                r["delta"],
                r["balance"],
                r["reason"],
                r["channel"],
                r["order_id"],
                r["note"],
                r["created_at"],
            )
            for r in rows
        ],
    )
