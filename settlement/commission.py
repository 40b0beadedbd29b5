"""Commission rates: the supplier's own rate, or its rate in a category where one is set."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.categories import get_category
from catalog.onboarding import supplier_detail
from core.database import is_unique_violation, write_transaction
from settlement.errors import InvalidSettlement
from settlement.tables import CommissionOverride

#: The highest commission rate, in basis points (50 %).
MAX_COMMISSION_BP = 5000


@dataclass(frozen=True, slots=True)
class OverrideView:
    """A supplier's commission rate in one category."""

    id: int
    supplier_id: int
    category_id: int
    commission_bp: int


def commission_of(net: int, rate_bp: int) -> int:
    """The platform's share of `net` fen at `rate_bp`, rounded half up to the fen."""
    return (net * rate_bp + 5000) // 10000


async def rates_of(supplier_id: int) -> tuple[int, dict[int, int]]:
    """A supplier's own rate and its rates by category id."""
    supplier = await supplier_detail(supplier_id)
    rows = await CommissionOverride.select().where(CommissionOverride.supplier_id == supplier_id)
    return supplier["commission_bp"], {r["category_id"]: r["commission_bp"] for r in rows}


async def overrides(supplier_id: int | None = None) -> list[OverrideView]:
    """Category rates (of one supplier, or all), by supplier then category."""
    query = CommissionOverride.select().order_by(
        CommissionOverride.supplier_id, CommissionOverride.category_id
    )
    if supplier_id is not None:
        query = query.where(CommissionOverride.supplier_id == supplier_id)
    return [
        OverrideView(r["id"], r["supplier_id"], r["category_id"], r["commission_bp"])
        for r in await query
    ]


async def set_override(supplier_id: int, category_id: int, commission_bp: int) -> OverrideView:
    """Set (or change) a supplier's commission rate in a category."""
    if isinstance(commission_bp, bool) or not 0 <= commission_bp <= MAX_COMMISSION_BP:
        raise InvalidSettlement("commission_bp: the rate must be between 0 and 50 %")
    await supplier_detail(supplier_id)  # 404 for an unknown supplier
    await get_category(category_id)  # 404 for an unknown category
    pair = f"{supplier_id}:{category_id}"
    try:
        async with write_transaction():
            changed = (
                await CommissionOverride.update({CommissionOverride.commission_bp: commission_bp})
                .where(CommissionOverride.pair == pair)
                .returning(CommissionOverride.id)
            )
            if not changed:
                changed = await CommissionOverride.insert(
                    CommissionOverride(
                        supplier_id=supplier_id,
                        category_id=category_id,
                        pair=pair,
                        commission_bp=commission_bp,
                    )
                ).returning(CommissionOverride.id)
    except Exception as error:  # two operators setting one pair at once: the later wins
        if not is_unique_violation(error):
            raise
        return await set_override(supplier_id, category_id, commission_bp)
    return OverrideView(changed[0]["id"], supplier_id, category_id, commission_bp)


async def remove_override(override_id: int) -> None:
    """Drop a category rate: the supplier's own rate applies there again."""
    async with write_transaction():
        await CommissionOverride.delete().where(CommissionOverride.id == override_id)
