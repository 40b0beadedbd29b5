"""Read-only facts about promotions for other packages: discounts per order line, flash prices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from promotions.kinds import Kind, Status
from promotions.offers import rule_of
from promotions.tables import LineDiscount, Promotion

#: How far ahead a product page announces a coming limited-time price.
FLASH_NOTICE = timedelta(days=2)


async def discounts_by_line(line_ids: Iterable[int]) -> dict[int, int]:
    """Order line id → the promotions' discount on it in fen (0 for lines without any).

    What was paid for a line is its price × quantity minus this; a refund of the line
    returns exactly that.
    """
    ids = sorted(set(line_ids))
    totals = dict.fromkeys(ids, 0)
    if not ids:
        return totals
    for row in await LineDiscount.select(LineDiscount.order_line_id, LineDiscount.amount).where(
        LineDiscount.order_line_id.is_in(ids)
    ):
        totals[row["order_line_id"]] += row["amount"]
    return totals


@dataclass(frozen=True, slots=True)
class LineDiscountView:
    """One promotion's discount on one order line."""

    order_line_id: int
    promotion_id: int
    kind: str
    name: str
    amount: int


async def order_discounts(order_id: int) -> list[LineDiscountView]:
    """Every discount on an order's lines (a receipt lists them)."""
    rows = (
        await LineDiscount.select()
        .where(LineDiscount.order_id == order_id)
        .order_by(LineDiscount.order_line_id)
    )
    return [
        LineDiscountView(r["order_line_id"], r["promotion"], r["kind"], r["name"], r["amount"])
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class FlashPrice:
    """A limited-time price of a variant, running or coming soon."""

    promotion_id: int
    variant_id: int
    name: str
    price: int
    starts_at: datetime
    ends_at: datetime
    #: Units left under the cap (None: no cap).
    units_left: int | None
    per_consumer: int

    def running(self, now: datetime) -> bool:
        """Whether the price holds at `now`."""
        return self.starts_at <= now < self.ends_at and self.units_left != 0


async def flash_prices(
    variant_ids: Iterable[int], now: datetime | None = None
) -> dict[int, FlashPrice]:
    """Variant id → its lowest limited-time price running now or starting within two days."""
    now = now or datetime.now(UTC)
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = await Promotion.select().where(
        (Promotion.kind == Kind.FLASH_PRICE)
        & (Promotion.status == Status.ACTIVE)
        & Promotion.variant_id.is_in(ids)
        & (Promotion.ends_at > now)
        & (Promotion.starts_at <= now + FLASH_NOTICE)
    )
    found: dict[int, FlashPrice] = {}
    for r in sorted(rows, key=lambda r: (r["starts_at"], r["id"])):
        rule = rule_of(r)
        left = max(0, r["total"] - r["used"]) if r["total"] else None
        flash = FlashPrice(
            r["id"],
            r["variant_id"],
            r["name"],
            rule.flash_price,
            r["starts_at"],
            r["ends_at"],
            left,
            r["per_consumer"],
        )
        held = found.get(r["variant_id"])
        if held is None or (flash.running(now) and not held.running(now)):
            found[r["variant_id"]] = flash
    return found
