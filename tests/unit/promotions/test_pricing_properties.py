"""Property tests of the one pricing function: no negative line, exact fen, order-free."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from promotions.kinds import Kind, Scope
from promotions.pricing import (
    CouponChoice,
    PriceLine,
    Rule,
    best_coupons,
    coupon_value,
    price_lines,
    split,
)

SUPPLIERS = (1, 2, 3)


@st.composite
def lines(draw: st.DrawFn) -> list[PriceLine]:
    keys = draw(st.lists(st.integers(1, 60), min_size=1, max_size=8, unique=True))
    return [
        PriceLine(
            key=k,
            supplier_id=draw(st.sampled_from(SUPPLIERS)),
            product_id=k % 7,
            category_id=k % 3,
            unit_price=draw(st.integers(0, 50_000)),
            quantity=draw(st.integers(1, 5)),
            member_price=draw(st.integers(0, 50_000)),
        )
        for k in keys
    ]


@st.composite
def rules(draw: st.DrawFn) -> list[Rule]:
    found: list[Rule] = []
    for n in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from([Kind.FLASH_PRICE, Kind.FULL_REDUCTION]))
        scope = draw(st.sampled_from([Scope.PLATFORM, Scope.SUPPLIER]))
        supplier = draw(st.sampled_from(SUPPLIERS)) if scope == Scope.SUPPLIER else None
        if kind == Kind.FLASH_PRICE:
            found.append(
                Rule(
                    promotion_id=100 + n,
                    kind=kind,
                    scope=scope,
                    supplier_id=supplier,
                    variant_ids=frozenset({draw(st.integers(1, 60))}),
                    flash_price=draw(st.integers(0, 40_000)),
                    units_left=draw(st.one_of(st.none(), st.integers(0, 6))),
                )
            )
        else:
            tiers = draw(
                st.lists(
                    st.tuples(st.integers(1, 200_000), st.integers(1, 100_000)),
                    min_size=1,
                    max_size=3,
                )
            )
            found.append(
                Rule(
                    promotion_id=100 + n,
                    kind=kind,
                    scope=scope,
                    supplier_id=supplier,
                    category_ids=frozenset(draw(st.sets(st.integers(0, 2), max_size=2))),
                    tiers=tuple((t, min(o, t)) for t, o in tiers),
                )
            )
    return found


@st.composite
def coupons(draw: st.DrawFn) -> list[CouponChoice]:
    found = []
    for n in range(draw(st.integers(0, 4))):
        scope = draw(st.sampled_from([Scope.PLATFORM, Scope.SUPPLIER]))
        percent = draw(st.booleans())
        rule = Rule(
            promotion_id=200 + n,
            kind=Kind.COUPON,
            scope=scope,
            supplier_id=draw(st.sampled_from(SUPPLIERS)) if scope == Scope.SUPPLIER else None,
            amount=0 if percent else draw(st.integers(1, 80_000)),
            percent_bp=draw(st.integers(1, 9_900)) if percent else 0,
            cap=draw(st.integers(0, 30_000)) if percent else 0,
            threshold=draw(st.integers(0, 150_000)),
        )
        found.append(CouponChoice(rule, 300 + n, f"C{n}"))
    return found


@settings(max_examples=300, deadline=None)
@given(lines(), rules(), coupons())
def test_no_line_goes_below_zero_and_totals_add_up(
    priced_lines: list[PriceLine], active: list[Rule], chosen: list[CouponChoice]
) -> None:
    result = price_lines(priced_lines, active, chosen)
    for line in result.lines:
        assert line.total >= 0
        assert all(d.amount > 0 for d in line.discounts)
    # Every discount is a promotion's or a member price's (step 0, not a promotion).
    assert result.discount == sum(a.amount for a in result.applied) + result.member_discount
    assert 0 <= result.discount <= result.subtotal
    for applied in result.applied:
        on_lines = sum(
            d.amount
            for line in result.lines
            for d in line.discounts
            if d.promotion_id == applied.promotion_id and d.coupon_id == applied.coupon_id
        )
        assert on_lines == applied.amount


@settings(max_examples=300, deadline=None)
@given(lines(), rules(), coupons())
def test_discounts_stay_within_what_each_rule_allows(
    priced_lines: list[PriceLine], active: list[Rule], chosen: list[CouponChoice]
) -> None:
    result = price_lines(priced_lines, active, chosen)
    by_key = {line.key: line for line in priced_lines}
    rules_by_id = {r.promotion_id: r for r in active} | {
        c.rule.promotion_id: c.rule for c in chosen
    }
    for applied in result.applied:
        rule = rules_by_id[applied.promotion_id]
        covered = [line for line in priced_lines if rule.covers(line)]
        full = sum(line.unit_price * line.quantity for line in covered)
        if applied.kind == Kind.FULL_REDUCTION:
            assert applied.amount <= max(off for _, off in rule.tiers)
        elif applied.kind == Kind.COUPON:
            assert applied.amount <= coupon_value(rule, full)
        else:
            line = by_key[next(iter(rule.variant_ids))]
            assert applied.amount <= (line.unit_price - rule.flash_price) * line.quantity
            assert rule.units_left is None or rule.units_left >= line.quantity
    # At most one coupon per supplier and one platform coupon.
    used = [a for a in result.applied if a.kind == Kind.COUPON]
    rule_of = {c.rule.promotion_id: c.rule for c in chosen}
    supplier_slots = [
        rule_of[a.promotion_id].supplier_id
        for a in used
        if rule_of[a.promotion_id].scope == Scope.SUPPLIER
    ]
    assert len(supplier_slots) == len(set(supplier_slots))
    assert len([a for a in used if rule_of[a.promotion_id].scope != Scope.SUPPLIER]) <= 1


@settings(max_examples=200, deadline=None)
@given(lines(), rules(), coupons(), st.randoms(use_true_random=False))
def test_the_order_of_the_lines_changes_nothing(
    priced_lines: list[PriceLine], active: list[Rule], chosen: list[CouponChoice], rnd
) -> None:
    shuffled = list(priced_lines)
    rnd.shuffle(shuffled)
    first = price_lines(priced_lines, active, chosen).by_key()
    second = price_lines(shuffled, active, chosen).by_key()
    assert first == second


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10**9),
    st.dictionaries(st.integers(1, 1000), st.integers(0, 10**7), min_size=1, max_size=20),
)
def test_splits_add_up_to_the_fen_and_never_exceed_a_weight(
    amount: int, weights: dict[int, int]
) -> None:
    amount = min(amount, sum(weights.values()))
    shares = split(amount, weights)
    assert set(shares) == set(weights)
    if sum(weights.values()) > 0:
        assert sum(shares.values()) == amount
    assert all(0 <= shares[k] <= weights[k] for k in weights)


@settings(max_examples=100, deadline=None)
@given(lines(), rules(), coupons())
def test_the_best_combination_is_at_least_as_good_as_any_single_coupon(
    priced_lines: list[PriceLine], active: list[Rule], wallet: list[CouponChoice]
) -> None:
    best = price_lines(priced_lines, active, best_coupons(priced_lines, active, wallet))
    for coupon in wallet:
        alone = price_lines(priced_lines, active, [coupon])
        assert best.discount >= alone.discount
    assert best.discount >= price_lines(priced_lines, active, []).discount


def test_stacking_order_flash_then_full_reduction_then_coupons() -> None:
    tea = PriceLine(
        key=1, supplier_id=1, product_id=1, category_id=1, unit_price=20_000, quantity=2
    )
    cup = PriceLine(key=2, supplier_id=1, product_id=2, category_id=1, unit_price=5_000, quantity=1)
    flash = Rule(
        1,
        Kind.FLASH_PRICE,
        Scope.SUPPLIER,
        supplier_id=1,
        variant_ids=frozenset({1}),
        flash_price=15_000,
    )
    manjian = Rule(
        2,
        Kind.FULL_REDUCTION,
        Scope.SUPPLIER,
        supplier_id=1,
        tiers=((30_000, 3_000), (50_000, 8_000)),
    )
    shop = CouponChoice(Rule(3, Kind.COUPON, Scope.SUPPLIER, supplier_id=1, amount=1_000), 9, "S")
    platform = CouponChoice(
        Rule(4, Kind.COUPON, Scope.PLATFORM, percent_bp=1000, cap=2_000), 10, "P"
    )
    result = price_lines([tea, cup], [flash, manjian], [shop, platform])
    # 2 x 200 → 2 x 150 (−10000); 350 ≥ 300 → −30; −10; 10% of 310 = 31 capped at 20.
    assert [a.amount for a in result.applied] == [10_000, 3_000, 1_000, 2_000]
    assert result.subtotal - result.discount == 45_000 - 16_000
    assert result.hints[0].missing == 50_000 - 35_000  # 再买 ¥150 减 80
