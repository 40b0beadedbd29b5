"""Member prices (会员价): a supplier's price of a variant for members of a level and above.

A supplier sets, per variant, one member price and the lowest member level it is for
("¥89 for 银卡 and above"). The price must be whole fen above zero and below the list
price, and the level must exist. Who qualifies is decided by the member's level now (their
rolling spend against the operator's thresholds, `members.levels`): a member whose level's
threshold reaches the price's level pays it. A price whose level the operator removed
applies to nobody until the supplier chooses a level again.

`prices_for` is what `promotions.offers.price_for` reads: the one pricing function then
applies the member price first, before every promotion (`promotions.pricing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalog.catalog_cache import cached
from catalog.variant_facts import sale_facts
from core.database import write_transaction
from members.errors import InvalidMemberPrice
from members.levels import Level, all_levels, level_for, rolling_spend
from members.tables import Member, MemberPrice

#: Most member prices one request may set.
MAX_PRICES = 100


@dataclass(frozen=True, slots=True)
class MemberPriceInput:
    """A variant's member price as a supplier types it; price 0 removes it."""

    variant_id: int
    price: int
    level_id: int | None = None


@dataclass(frozen=True, slots=True)
class MemberPriceView:
    """A variant's member price and the level from which on it applies."""

    variant_id: int
    price: int
    level_id: int
    #: The level's names ("" when the operator removed that level: it applies to nobody).
    level_zh: str
    level_en: str


async def member_prices_of(variant_ids: Iterable[int]) -> dict[int, MemberPriceView]:
    """The member prices set on these variants, by variant id.

    Cached with the catalog (every product page asks; `MemberPrice` and `MemberLevel`
    writes drop the cache like product writes do). The answer is shared: do not change it.
    """
    priced = await _member_priced_variants()
    ids = tuple(sorted(set(variant_ids) & priced))
    if not ids:
        return {}
    return await cached(("member_prices", ids), lambda: _member_prices_of(ids))


async def _member_priced_variants() -> frozenset[int]:
    """Every variant that has a member price: most carts hold none, and then ask nothing."""

    async def load() -> frozenset[int]:
        rows = await MemberPrice.select(MemberPrice.variant_id)
        return frozenset(r["variant_id"] for r in rows)

    return await cached("member_priced_variants", load)


async def _member_prices_of(ids: tuple[int, ...]) -> dict[int, MemberPriceView]:
    rows = await MemberPrice.select().where(MemberPrice.variant_id.is_in(list(ids)))
    if not rows:
        return {}
    levels = {level.id: level for level in await all_levels()}
    views = {}
    for row in rows:
        level = levels.get(row["level_id"])
        views[row["variant_id"]] = MemberPriceView(
            variant_id=row["variant_id"],
            price=row["price"],
            level_id=row["level_id"],
            level_zh=level.name_zh if level else "",
            level_en=level.name_en if level else "",
        )
    return views


async def member_level(user_id: int) -> Level | None:
    """The level the person reaches now (None: not a member yet, or below every level)."""
    member = await Member.select(Member.id).where(Member.user_id == user_id).first()
    if member is None:
        return None
    return level_for(await rolling_spend(member["id"]), await all_levels())


def qualifies(level: Level | None, price: MemberPriceView, levels: Sequence[Level]) -> bool:
    """Whether a member at `level` pays `price` (their level reaches the price's level)."""
    wanted = next((lv for lv in levels if lv.id == price.level_id), None)
    return level is not None and wanted is not None and level.min_spend >= wanted.min_spend


async def prices_for(user_id: int | None, variant_ids: Iterable[int]) -> dict[int, int]:
    """Variant id → the member price this person pays (only the variants where one applies)."""
    if user_id is None:
        return {}
    prices = await member_prices_of(variant_ids)
    if not prices:
        return {}
    level = await member_level(user_id)
    if level is None:
        return {}
    levels = await all_levels()
    return {v: p.price for v, p in prices.items() if qualifies(level, p, levels)}


async def set_member_prices(
    supplier_id: int, product_id: int, prices: Sequence[MemberPriceInput]
) -> dict[int, MemberPriceView]:
    """Set (or with price 0 remove) member prices of one of the supplier's products.

    Raises:
        InvalidMemberPrice: a variant of another product or supplier, a price not above
            zero or not below the list price, a level that does not exist (400, naming the
            field and the variant).
    """
    if len(prices) > MAX_PRICES:
        raise InvalidMemberPrice("member_prices: at most {n} at once", n=MAX_PRICES)
    facts = {r["id"]: r for r in await sale_facts(p.variant_id for p in prices)}
    levels = {level.id for level in await all_levels()}
    for wanted in prices:
        fact = facts.get(wanted.variant_id)
        if fact is None or fact["product_id"] != product_id or fact["supplier_id"] != supplier_id:
            raise InvalidMemberPrice(
                "variant_id: {id} is not a variant of this product", id=wanted.variant_id
            )
        if wanted.price == 0:
            continue
        if not 0 < wanted.price < fact["price"]:
            raise InvalidMemberPrice(
                "price: the member price of {sku} must be above zero and below its price "
                "{price} fen",
                sku=fact["sku"],
                price=fact["price"],
            )
        if wanted.level_id not in levels:
            raise InvalidMemberPrice(
                "level_id: choose a member level for the member price of {sku}", sku=fact["sku"]
            )
    last = {wanted.variant_id: wanted for wanted in prices}  # a repeated variant: its last
    kept = [
        MemberPrice(
            variant_id=wanted.variant_id,
            supplier_id=supplier_id,
            level_id=wanted.level_id,
            price=wanted.price,
        )
        for wanted in last.values()
        if wanted.price
    ]
    if not last:
        return {}
    async with write_transaction():
        await MemberPrice.delete().where(MemberPrice.variant_id.is_in(list(last)))
        if kept:
            await MemberPrice.insert(*kept)
    return await member_prices_of(facts)
