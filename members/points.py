"""The points ledger, like the stock ledger: the only writer of members' points.

Every change is one `PointsEntry` row carrying the balance after it, and one UPDATE of the
member's balance, in one transaction: the rows of a member always sum to their balance.
Points are earned on paid orders (online and at the counter, one point per yuan paid), may
pay part of an order (`spend_for_order`, in the order's own transaction: the conditional
UPDATE never takes the balance below zero), come back when an unpaid order is cancelled
(`give_back_spent`), and are taken back on a refund in proportion to the money given back,
so a full refund takes back exactly what the order earned (a partial one rounds down until
the rest is refunded); points an order spent come back in the same proportion.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from core.database import write_transaction
from members.errors import NotEnoughPoints
from members.levels import all_levels, level_for, rolling_spend
from members.tables import Member, PointsEntry

#: Fen paid per point earned.
FEN_PER_POINT = 100
#: Fen one point pays when spent (100 points pay ¥1).
FEN_PER_POINT_SPENT = 1
#: Points pay at most this percent of an order's total.
MAX_POINTS_PERCENT = 50


class Reason:
    """Why a ledger row was written (stored strings)."""

    EARNED = "earned"
    REVERSED = "reversed"
    SPENT = "spent"
    RESTORED = "restored"
    ADJUSTED = "adjusted"


@dataclass(frozen=True)
class Written:
    """A ledger row just written: the change and the balance after it."""

    member_id: int
    delta: int
    balance: int


def points_for(spend: int) -> int:
    """Points a payment of `spend` fen earns."""
    return max(spend, 0) // FEN_PER_POINT


async def ensure_member(user_id: int) -> dict:
    """The person's member row, created (with a fresh QR code) on first use."""
    row = await Member.select().where(Member.user_id == user_id).first()
    if row is not None:
        return row
    # Two first uses racing: the loser's insert does nothing and it reads the winner's row.
    await Member.insert(Member(user_id=user_id, code=secrets.token_hex(12))).on_conflict(
        target=Member.user_id, action="DO NOTHING"
    )
    row = await Member.select().where(Member.user_id == user_id).first()
    assert row is not None
    return row


async def _write(
    member_id: int,
    delta: int,
    *,
    spend: int,
    reason: str,
    order_id: int | None,
    channel: str = "",
    note: str = "",
) -> Written:
    """Change the balance and write its ledger row; then bring the level up to date."""
    async with write_transaction():
        updated = (
            await Member.update({Member.points: Member.points + delta})
            .where(Member.id == member_id)
            .returning(Member.points)
        )
        balance = updated[0]["points"]
        await PointsEntry.insert(
            PointsEntry(
                member_id=member_id,
                delta=delta,
                balance=balance,
                spend=spend,
                reason=reason,
                order_id=order_id,
                channel=channel,
                note=note[:200],
            )
        )
        level = level_for(await rolling_spend(member_id), await all_levels())
        await Member.update({Member.level_id: level.id if level else 0}).where(
            Member.id == member_id
        )
    return Written(member_id, delta, balance)


async def earn_for_order(
    user_id: int, order_id: int, *, spend: int, channel: str, number: str = ""
) -> Written | None:
    """The member earns points on a paid order (once per order; None when already earned)."""
    async with write_transaction():
        member = await ensure_member(user_id)
        if await PointsEntry.exists().where(
            (PointsEntry.order_id == order_id) & (PointsEntry.reason == Reason.EARNED)
        ):
            return None
        return await _write(
            member["id"],
            points_for(spend),
            spend=spend,
            reason=Reason.EARNED,
            order_id=order_id,
            channel=channel,
            note=number,
        )


async def reverse_for_refund(order_id: int, *, paid: int, refunded: int) -> Written | None:
    """Take back the share of an order's points (and spend) that its refunds now cover.

    `paid` is what the order's payments took, `refunded` all that was given back so far;
    the points taken back over every refund of the order add up to
    `earned * refunded // paid`, which is exactly what it earned once all is refunded.
    The balance may go below zero when the points were already spent. Points the order
    spent as part payment come back in the same proportion.
    """
    async with write_transaction():
        await _restore_spent(order_id, paid=paid, refunded=refunded)
        earned = (
            await PointsEntry.select()
            .where((PointsEntry.order_id == order_id) & (PointsEntry.reason == Reason.EARNED))
            .first()
        )
        if earned is None or paid <= 0:
            return None
        taken = await PointsEntry.select(PointsEntry.delta, PointsEntry.spend).where(
            (PointsEntry.order_id == order_id) & (PointsEntry.reason == Reason.REVERSED)
        )
        share = min(refunded, paid)
        points_due = earned["delta"] * share // paid - sum(-row["delta"] for row in taken)
        spend_due = earned["spend"] * share // paid - sum(-row["spend"] for row in taken)
        if points_due <= 0 and spend_due <= 0:
            return None
        return await _write(
            earned["member_id"],
            -points_due,
            spend=-spend_due,
            reason=Reason.REVERSED,
            order_id=order_id,
            channel=earned["channel"],
            note=earned["note"],
        )


def points_limit(total: int, balance: int) -> int:
    """Most points an order of `total` fen may take as part payment, given the balance."""
    return max(0, min(balance, total * MAX_POINTS_PERCENT // 100 // FEN_PER_POINT_SPENT))


async def points_allowed(user_id: int, total: int) -> tuple[int, int]:
    """The member's balance and the most points an order of `total` fen may take."""
    member = await ensure_member(user_id)
    return member["points"], points_limit(total, member["points"])


async def check_points(user_id: int, points: int, total: int) -> int:
    """The fen `points` would pay of an order of `total`; refused above the limit.

    Raises:
        NotEnoughPoints: more than the member has, or more than the order allows.
    """
    if points <= 0:
        return 0
    member = await ensure_member(user_id)
    limit = points_limit(total, member["points"])
    if points > limit:
        raise NotEnoughPoints("points: at most {n} points can pay this order", n=limit)
    return points * FEN_PER_POINT_SPENT


async def spend_for_order(
    user_id: int, order_id: int, points: int, *, total: int, channel: str, number: str = ""
) -> int:
    """Spend points as part payment of an order; returns the fen they pay.

    One conditional UPDATE (the balance must cover them) and a ledger row, in the caller's
    transaction.

    Raises:
        NotEnoughPoints: above the balance or the order's limit.
    """
    covered = await check_points(user_id, points, total)
    if covered == 0:
        return 0
    async with write_transaction():
        member = await ensure_member(user_id)
        updated = (
            await Member.update({Member.points: Member.points - points})
            .where((Member.id == member["id"]) & (Member.points >= points))
            .returning(Member.points)
        )
        if not updated:
            raise NotEnoughPoints("points: at most {n} points can pay this order", n=0)
        await PointsEntry.insert(
            PointsEntry(
                member_id=member["id"],
                delta=-points,
                balance=updated[0]["points"],
                spend=0,
                reason=Reason.SPENT,
                order_id=order_id,
                channel=channel,
                note=number[:200],
            )
        )
    return covered


async def give_back_spent(order_id: int) -> None:
    """An order cancelled before it was paid gives back every point it spent.

    The same rule as a refund (`_restore_spent`), with the whole order given back.
    """
    async with write_transaction():
        await _restore_spent(order_id, paid=1, refunded=1)


def points_value(points: int) -> int:
    """Fen that `points` pay when spent."""
    return max(points, 0) * FEN_PER_POINT_SPENT


async def _restore_spent(order_id: int, *, paid: int, refunded: int) -> None:
    """Give back the share of the points an order spent that its refunds now cover."""
    rows = await PointsEntry.select().where(
        (PointsEntry.order_id == order_id)
        & PointsEntry.reason.is_in([Reason.SPENT, Reason.RESTORED])
    )
    spent = [r for r in rows if r["reason"] == Reason.SPENT]
    if not spent or paid <= 0:
        return
    total_spent = -sum(r["delta"] for r in spent)
    restored = sum(r["delta"] for r in rows if r["reason"] == Reason.RESTORED)
    due = total_spent * min(refunded, paid) // paid - restored
    if due > 0:
        await _write(
            spent[0]["member_id"],
            due,
            spend=0,
            reason=Reason.RESTORED,
            order_id=order_id,
            channel=spent[0]["channel"],
            note=spent[0]["note"],
        )
