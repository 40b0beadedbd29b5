"""Recommendations: bought together, recently viewed, you may like — and their impressions.

Built from the orders (`fulfilment.sales_facts.bought_with`), the shopper's product views
(`ShopperEvent`) and purchases, and the daily product sales of the last 30 days. Only
products consumers may see are returned (`catalog.product_cards.visible_cards`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from piccolo.query.functions.aggregate import Sum

from analytics import events
from analytics.events import EventKind
from analytics.periods import today
from analytics.tables import DailyProductSales, ShopperEvent
from catalog.product_cards import categories_of, visible_cards
from fulfilment.sales_facts import bought_with, products_bought_by

#: Products per list.
LIST_SIZE = 8


class ListKind(StrEnum):
    """Which recommendation list."""

    BOUGHT_TOGETHER = "bought_together"
    RECENTLY_VIEWED = "recently_viewed"
    YOU_MAY_LIKE = "you_may_like"


class Slot(StrEnum):
    """The page a list is shown on."""

    HOME = "home"
    PRODUCT = "product"
    CART = "cart"


@dataclass(frozen=True, slots=True)
class Shopper:
    """Who is looking: an account id, or a guest's session key (either may be missing)."""

    user_id: int | None = None
    visitor: str = ""


@dataclass(slots=True)
class RecList:
    """One list of product cards (id, name, image, price_from, category_id)."""

    kind: ListKind
    items: list[dict[str, Any]] = field(default_factory=list)


async def viewed_products(shopper: Shopper, *, limit: int = 20) -> list[int]:
    """Products the shopper viewed, latest first, each once."""
    if shopper.user_id is not None:
        who = ShopperEvent.user_id == shopper.user_id
    elif shopper.visitor:
        who = ShopperEvent.visitor == shopper.visitor
    else:
        return []
    rows = (
        await ShopperEvent.select(ShopperEvent.product_id)
        .where(who & (ShopperEvent.kind == EventKind.VIEW) & ShopperEvent.product_id.is_not_null())
        .order_by(ShopperEvent.id, ascending=False)
        .limit(limit * 5)
    )
    return list(dict.fromkeys(row["product_id"] for row in rows))[:limit]


async def top_sellers(category_ids: list[int] | None = None, *, days: int = 30) -> list[int]:
    """Products by units sold over the last `days` days (in the categories, when given)."""
    since = today() - timedelta(days=days - 1)
    where: Any = DailyProductSales.day >= since
    if category_ids is not None:
        if not category_ids:
            return []
        where = where & DailyProductSales.category_id.is_in(category_ids)
    rows = await (
        DailyProductSales.select(
            DailyProductSales.product_id, Sum(DailyProductSales.units, alias="n")
        )
        .where(where)
        .group_by(DailyProductSales.product_id)
    )
    rows.sort(key=lambda r: (-int(r["n"] or 0), r["product_id"]))
    return [row["product_id"] for row in rows[: LIST_SIZE * 4]]


async def bought_together(product_ids: list[int]) -> list[dict[str, Any]]:
    """Products often bought with these (in paid orders), not these themselves."""
    found: list[int] = []
    for product_id in product_ids[:5]:
        found.extend(await bought_with(product_id, limit=LIST_SIZE))
    picked = [pid for pid in dict.fromkeys(found) if pid not in product_ids]
    return await visible_cards(picked[: LIST_SIZE * 2])


async def recently_viewed(shopper: Shopper, *, exclude: tuple[int, ...] = ()) -> list[dict]:
    """What the shopper looked at lately (still on sale)."""
    viewed = [pid for pid in await viewed_products(shopper) if pid not in exclude]
    return await visible_cards(viewed[: LIST_SIZE * 2])


async def you_may_like(shopper: Shopper, *, exclude: tuple[int, ...] = ()) -> list[dict]:
    """Best sellers of the categories the shopper viewed or bought, not seen yet.

    With no history (or nothing new there), the platform's best sellers.
    """
    seen = await viewed_products(shopper)
    if shopper.user_id is not None:
        seen += await products_bought_by(shopper.user_id)
    categories = sorted(set((await categories_of(seen)).values()))
    skip = set(seen) | set(exclude)
    picked = [pid for pid in await top_sellers(categories) if pid not in skip]
    if len(picked) < LIST_SIZE:
        picked += [pid for pid in await top_sellers() if pid not in skip and pid not in picked]
    return await visible_cards(picked[: LIST_SIZE * 2])


async def for_page(
    slot: Slot, shopper: Shopper, *, product_ids: tuple[int, ...] = ()
) -> list[RecList]:
    """The recommendation lists of a page, empty ones left out.

    Home: recently viewed, you may like; product: bought together, recently viewed; cart:
    bought together with the cart, you may like.

    Each product shown is counted as one impression of its list on that page.
    """
    if slot is Slot.PRODUCT:
        lists = [
            RecList(ListKind.BOUGHT_TOGETHER, await bought_together(list(product_ids))),
            RecList(ListKind.RECENTLY_VIEWED, await recently_viewed(shopper, exclude=product_ids)),
        ]
    elif slot is Slot.CART:
        lists = [
            RecList(ListKind.BOUGHT_TOGETHER, await bought_together(list(product_ids))),
            RecList(ListKind.YOU_MAY_LIKE, await you_may_like(shopper, exclude=product_ids)),
        ]
    else:
        lists = [
            RecList(ListKind.RECENTLY_VIEWED, await recently_viewed(shopper)),
            RecList(ListKind.YOU_MAY_LIKE, await you_may_like(shopper)),
        ]
    shown = [RecList(rec.kind, rec.items[:LIST_SIZE]) for rec in lists if rec.items]
    for rec in shown:
        for item in rec.items:
            events.record(
                EventKind.REC_IMPRESSION,
                user_id=shopper.user_id,
                visitor=shopper.visitor,
                product_id=item["id"],
                detail=f"{slot.value}:{rec.kind.value}",
            )
    return shown


def record_click(slot: Slot, kind: ListKind, product_id: int, shopper: Shopper) -> None:
    """A shopper followed a recommendation."""
    events.record(
        EventKind.REC_CLICK,
        user_id=shopper.user_id,
        visitor=shopper.visitor,
        product_id=product_id,
        detail=f"{slot.value}:{kind.value}",
    )


def record_view(product_id: int, shopper: Shopper) -> None:
    """A shopper opened a product page."""
    events.record(
        EventKind.VIEW, user_id=shopper.user_id, visitor=shopper.visitor, product_id=product_id
    )


def record_search(words: str, shopper: Shopper) -> None:
    """A shopper searched (empty searches are not counted)."""
    if words.strip():
        events.record(
            EventKind.SEARCH, user_id=shopper.user_id, visitor=shopper.visitor, detail=words.strip()
        )


def record_cart_add(product_id: int | None, shopper: Shopper) -> None:
    """A shopper put something in the cart."""
    events.record(
        EventKind.CART_ADD, user_id=shopper.user_id, visitor=shopper.visitor, product_id=product_id
    )
