"""Member levels: thresholds the operator sets, reached by spend over a rolling period.

Spend is what the member's ledger says was paid less what was refunded, over the last
`ROLLING_DAYS` days; the level is the highest threshold at or below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from catalog.catalog_cache import cached
from core.database import write_transaction
from members.errors import InvalidLevels
from members.tables import MemberLevel, PointsEntry

#: Days of spend that count towards a level.
ROLLING_DAYS = 365
#: Most levels the operator may define.
MAX_LEVELS = 10


@dataclass(frozen=True)
class Level:
    """One level: its names and the spend (fen) that reaches it."""

    id: int
    name_zh: str
    name_en: str
    min_spend: int


@dataclass(frozen=True)
class LevelInput:
    """A level as the operator types it."""

    name_zh: str
    name_en: str
    min_spend: int


async def all_levels() -> list[Level]:
    """Every level, lowest threshold first (cached with the catalog: product pages read it)."""

    async def load() -> list[Level]:
        rows = await MemberLevel.select().order_by(MemberLevel.min_spend)
        return [Level(r["id"], r["name_zh"], r["name_en"], r["min_spend"]) for r in rows]

    return list(await cached("member_levels", load))


async def set_levels(levels: Sequence[LevelInput]) -> list[Level]:
    """Replace the level thresholds (the operator's setting); members keep their rows.

    Raises:
        InvalidLevels: a blank name, a negative or repeated threshold, too many levels.
    """
    if len(levels) > MAX_LEVELS:
        raise InvalidLevels("levels: at most {n} levels", n=MAX_LEVELS)
    seen: set[int] = set()
    for level in levels:
        if not level.name_zh.strip() or not level.name_en.strip():
            raise InvalidLevels("levels: every level needs a Chinese and an English name")
        if level.min_spend < 0 or level.min_spend in seen:
            raise InvalidLevels("levels: thresholds must be different and not negative")
        seen.add(level.min_spend)
    async with write_transaction():
        # Levels keep their rows (and ids) while their threshold stays: member prices name
        # the level they are for, so saving the same thresholds again changes nothing.
        kept = {level.min_spend for level in levels}
        await MemberLevel.delete().where(MemberLevel.min_spend.not_in(sorted(kept) or [-1]))
        existing = {r["min_spend"] for r in await MemberLevel.select(MemberLevel.min_spend)}
        for level in levels:
            if level.min_spend in existing:
                await MemberLevel.update(
                    {
                        MemberLevel.name_zh: level.name_zh.strip(),
                        MemberLevel.name_en: level.name_en.strip(),
                    }
                ).where(MemberLevel.min_spend == level.min_spend)
                continue
            await MemberLevel.insert(
                MemberLevel(
                    name_zh=level.name_zh.strip(),
                    name_en=level.name_en.strip(),
                    min_spend=level.min_spend,
                )
            )
    return await all_levels()


def level_for(spend: int, levels: Sequence[Level]) -> Level | None:
    """The highest level whose threshold `spend` reaches (None below the first)."""
    reached = [level for level in levels if level.min_spend <= spend]
    return max(reached, key=lambda level: level.min_spend) if reached else None


def next_level(spend: int, levels: Sequence[Level]) -> Level | None:
    """The next level above `spend`, for the progress bar (None at the top)."""
    above = [level for level in levels if level.min_spend > spend]
    return min(above, key=lambda level: level.min_spend) if above else None


async def rolling_spend(member_id: int, now: datetime | None = None) -> int:
    """Fen the member spent (paid less refunded) over the last `ROLLING_DAYS` days."""
    since = (now or datetime.now(UTC)) - timedelta(days=ROLLING_DAYS)
    rows = await PointsEntry.select(PointsEntry.spend).where(
        (PointsEntry.member_id == member_id) & (PointsEntry.created_at >= since)
    )
    return sum(row["spend"] for row in rows)
