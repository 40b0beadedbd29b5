"""The member price is step 0 of the one pricing rule: promotions stack on it."""

from __future__ import annotations

from promotions.kinds import Kind, Scope
from promotions.pricing import PriceLine, Rule, price_lines


def line(unit_price: int, member_price: int = 0, quantity: int = 2) -> PriceLine:
    return PriceLine(
        key=7,
        supplier_id=1,
        product_id=3,
        category_id=4,
        unit_price=unit_price,
        quantity=quantity,
        member_price=member_price,
    )


def full_reduction(threshold: int, off: int) -> Rule:
    return Rule(
        1, Kind.FULL_REDUCTION, Scope.SUPPLIER, "满减", supplier_id=1, tiers=((threshold, off),)
    )


def flash(price: int) -> Rule:
    return Rule(
        2,
        Kind.FLASH_PRICE,
        Scope.SUPPLIER,
        "限时价",
        supplier_id=1,
        variant_ids=frozenset([7]),
        flash_price=price,
    )


def test_the_member_price_comes_first_and_thresholds_are_measured_on_it() -> None:
    # ¥100 × 2 at a ¥80 member price: ¥160, below 满170减20, so only the member price applies.
    priced = price_lines([line(10000, 8000)], [full_reduction(17000, 2000)])
    assert priced.lines[0].member_discount == 4000 and priced.discount == 4000
    assert priced.applied == ()
    # Without it the ¥200 reach the threshold.
    plain = price_lines([line(10000)], [full_reduction(17000, 2000)])
    assert plain.lines[0].member_discount == 0 and plain.discount == 2000
    # A 满150减20 stacks on the member price.
    both = price_lines([line(10000, 8000)], [full_reduction(15000, 2000)])
    assert both.discount == 6000 and both.lines[0].total == 14000


def test_a_flash_price_applies_only_below_the_member_price() -> None:
    above = price_lines([line(10000, 8000)], [flash(9000)])
    assert above.discount == 4000 and above.applied == ()
    below = price_lines([line(10000, 8000)], [flash(7000)])
    assert below.lines[0].member_discount == 4000 and below.discount == 6000
    assert [a.amount for a in below.applied] == [2000]  # only what the flash price adds


def test_a_member_price_at_or_above_the_list_price_changes_nothing() -> None:
    assert price_lines([line(10000, 10000)], []).discount == 0
    assert price_lines([line(10000, 0)], []).discount == 0
