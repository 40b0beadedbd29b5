"""The one pricing rule of promotions: lines, a consumer's coupons → each line's discounts.

Pure: no database, no clock (the caller passes the promotions active now and what is left
of them). The quote, the order, the cart and the POS all call `price_lines`.

Stacking, in this order (each step works on what the earlier ones left of each line):
0. the member price (会员价) of a variant, for a member whose level reaches the one it is set
   for (`PriceLine.member_price`, filled by `promotions.offers.price_for`): the line's unit
   price becomes the member price (a line discount, `PricedLine.member_discount`);
1. limited-time (flash) prices, per variant, when enough units are left under the cap and
   under the buyer's own limit, and only below the price the line has after step 0
   (otherwise the line keeps its price);
2. each supplier's 满减 (full reduction; the best of its promotions), then platform-wide and
   store 满减;
3. one supplier coupon per supplier;
4. one platform (or store) coupon.

A discount never exceeds the lines it applies to, so no line goes below zero; each one is
split over its lines in proportion to what they cost at that step, to the fen, by the
largest-remainder method (ties broken by line key, so the order lines are given in does not
change anything).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from promotions.kinds import Kind, Scope

#: Coupon combinations tried when choosing the best one; beyond this, best per step.
MAX_COMBINATIONS = 256


@dataclass(frozen=True, slots=True)
class PriceLine:
    """One variant to price: its key (variant id), what it is and how many."""

    key: int
    supplier_id: int
    product_id: int
    category_id: int
    unit_price: int
    quantity: int
    #: The member price that applies to this buyer (fen; 0: none).
    member_price: int = 0

    @property
    def member_unit(self) -> int:
        """The unit price after the member price (the list price when none applies)."""
        if 0 < self.member_price < self.unit_price:
            return self.member_price
        return self.unit_price


@dataclass(frozen=True, slots=True)
class Rule:
    """An active promotion as the pricing function needs it.

    `amount`: a coupon's fixed discount (fen); `percent_bp`: or a percentage in basis points
    (1000 = 10 % off), capped at `cap` fen when `cap` > 0; `threshold`: the eligible goods
    must reach it; `tiers`: 满减 (threshold, discount) pairs; `flash_price` with
    `variant_ids` for a limited-time price, `units_left` under its cap (None: no cap).
    """

    promotion_id: int
    kind: Kind
    scope: Scope
    name: str = ""
    supplier_id: int | None = None
    location_id: int | None = None
    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    variant_ids: frozenset[int] = frozenset()
    amount: int = 0
    percent_bp: int = 0
    cap: int = 0
    threshold: int = 0
    tiers: tuple[tuple[int, int], ...] = ()
    flash_price: int = 0
    units_left: int | None = None

    def covers(self, line: PriceLine) -> bool:
        """Whether the line is in this promotion's scope."""
        if self.scope == Scope.SUPPLIER and line.supplier_id != self.supplier_id:
            return False
        if self.product_ids and line.product_id not in self.product_ids:
            return False
        if self.category_ids and line.category_id not in self.category_ids:
            return False
        return not (self.variant_ids and line.key not in self.variant_ids)


@dataclass(frozen=True, slots=True)
class CouponChoice:
    """A coupon the consumer holds or typed: its rule and how it is known."""

    rule: Rule
    #: The wallet coupon's id; None for a promotion's public code.
    coupon_id: int | None
    code: str


@dataclass(frozen=True, slots=True)
class Discount:
    """Money taken off one line, and the promotion (rule) that gave it."""

    promotion_id: int
    kind: Kind
    name: str
    amount: int
    coupon_id: int | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A line's price before and after its discounts."""

    key: int
    quantity: int
    unit_price: int
    base: int
    discounts: tuple[Discount, ...]
    #: Fen the member price took off the line (before every promotion).
    member_discount: int = 0

    @property
    def discount(self) -> int:
        """The line's discounts together (member price and promotions), in fen."""
        return self.member_discount + sum(d.amount for d in self.discounts)

    @property
    def total(self) -> int:
        """What the line costs after discounts (never below zero)."""
        return self.base - self.discount


@dataclass(frozen=True, slots=True)
class Applied:
    """One promotion that applied, with its whole discount."""

    promotion_id: int
    kind: Kind
    name: str
    amount: int
    coupon_id: int | None = None
    code: str = ""
    #: Units sold at a flash price.
    units: int = 0


@dataclass(frozen=True, slots=True)
class Hint:
    """What is close: spend `missing` more on the promotion's goods to save `save`."""

    promotion_id: int
    name: str
    missing: int
    save: int


@dataclass(frozen=True, slots=True)
class Pricing:
    """The priced lines (in the order given), what applied and what is close."""

    lines: tuple[PricedLine, ...]
    applied: tuple[Applied, ...]
    hints: tuple[Hint, ...]
    coupons: tuple[CouponChoice, ...] = ()

    @property
    def subtotal(self) -> int:
        """The lines before discounts."""
        return sum(line.base for line in self.lines)

    @property
    def discount(self) -> int:
        """Every discount together."""
        return sum(line.discount for line in self.lines)

    @property
    def member_discount(self) -> int:
        """What the member prices took off, together."""
        return sum(line.member_discount for line in self.lines)

    def by_key(self) -> dict[int, PricedLine]:
        """Line key → priced line."""
        return {line.key: line for line in self.lines}


def split(amount: int, weights: Mapping[int, int]) -> dict[int, int]:
    """Split `amount` fen over keys in proportion to `weights`, to the fen, summing exactly.

    Largest remainder: each key gets the floor of its share, and the fen left over go to
    the largest remainders (ties: the smaller key). With `amount` ≤ the sum of the weights no
    key gets more than its weight.
    """
    total = sum(weights.values())
    if amount <= 0 or total <= 0:
        return {key: 0 for key in weights}
    shares = {key: amount * weight // total for key, weight in weights.items()}
    left = amount - sum(shares.values())
    order = sorted(weights, key=lambda k: (-(amount * weights[k] % total), k))
    for key in order[:left]:
        shares[key] += 1
    return shares


class _Book:
    """What each line costs so far and the discounts given, while the steps run."""

    def __init__(self, lines: Sequence[PriceLine]) -> None:
        self.lines = {line.key: line for line in lines}
        self.left = {line.key: line.unit_price * line.quantity for line in lines}
        #: Step 0: what the member prices take off each line.
        self.member = {
            line.key: (line.unit_price - line.member_unit) * line.quantity for line in lines
        }
        for key, off in self.member.items():
            self.left[key] -= off
        self.discounts: dict[int, list[Discount]] = {line.key: [] for line in lines}
        self.applied: list[Applied] = []
        #: What each line cost after the flash prices (what thresholds are measured on).
        self.after_flash: dict[int, int] = dict(self.left)

    def copy(self) -> _Book:
        """A copy to try coupons on without touching this one."""
        other = _Book.__new__(_Book)
        other.lines = self.lines
        other.left = dict(self.left)
        other.member = self.member
        other.discounts = {k: list(v) for k, v in self.discounts.items()}
        other.applied = list(self.applied)
        other.after_flash = self.after_flash
        return other

    def base(self, rule: Rule) -> dict[int, int]:
        """What the lines in the rule's scope cost now (key → fen, zeros left out)."""
        return {k: self.left[k] for k, line in sorted(self.lines.items()) if rule.covers(line)}

    def give(self, rule: Rule, amount: int, weights: dict[int, int], **extra: object) -> None:
        amount = min(amount, sum(weights.values()))
        if amount <= 0:
            return
        for key, share in split(amount, weights).items():
            if share:
                self.left[key] -= share
                self.discounts[key].append(
                    Discount(
                        rule.promotion_id,
                        rule.kind,
                        rule.name,
                        share,
                        extra.get("coupon_id"),  # type: ignore[arg-type]
                    )
                )
        self.applied.append(
            Applied(
                rule.promotion_id,
                rule.kind,
                rule.name,
                amount,
                extra.get("coupon_id"),  # type: ignore[arg-type]
                str(extra.get("code", "")),
                int(extra.get("units", 0)),  # type: ignore[call-overload]
            )
        )


def coupon_value(rule: Rule, base: int) -> int:
    """What a coupon takes off goods worth `base` (0 below its threshold)."""
    if base <= 0 or base < rule.threshold:
        return 0
    if rule.percent_bp:
        value = base * rule.percent_bp // 10_000
        if rule.cap:
            value = min(value, rule.cap)
    else:
        value = rule.amount
    return min(value, base)


def tier_value(rule: Rule, base: int) -> int:
    """What a 满减 takes off goods worth `base`: the highest tier reached."""
    reached = [off for threshold, off in rule.tiers if base >= threshold]
    return min(max(reached, default=0), base)


def _flash(book: _Book, rules: Iterable[Rule]) -> None:
    best: dict[int, tuple[int, Rule]] = {}
    for rule in rules:
        for key in sorted(rule.variant_ids):
            line = book.lines.get(key)
            if line is None or rule.flash_price >= line.member_unit:
                continue
            if rule.units_left is not None and rule.units_left < line.quantity:
                continue
            if key not in best or rule.flash_price < best[key][0]:
                best[key] = (rule.flash_price, rule)
    for key, (price, rule) in sorted(best.items()):
        line = book.lines[key]
        off = (line.member_unit - price) * line.quantity
        book.give(rule, off, {key: book.left[key]}, units=line.quantity)


def _full_reductions(book: _Book, rules: Sequence[Rule]) -> None:
    suppliers = sorted({r.supplier_id or 0 for r in rules if r.scope == Scope.SUPPLIER})
    for supplier in suppliers:
        mine = [r for r in rules if r.scope == Scope.SUPPLIER and r.supplier_id == supplier]
        _best_tier(book, mine)
    _best_tier(book, [r for r in rules if r.scope != Scope.SUPPLIER])


def _best_tier(book: _Book, rules: Sequence[Rule]) -> None:
    best: tuple[int, int, Rule] | None = None
    for rule in rules:
        weights = book.base(rule)
        value = tier_value(rule, sum(weights.values()))
        if value > 0 and (best is None or (value, -rule.promotion_id) > (best[0], -best[1])):
            best = (value, rule.promotion_id, rule)
    if best is not None:
        book.give(best[2], best[0], book.base(best[2]))


def _use_coupon(book: _Book, choice: CouponChoice) -> None:
    weights = book.base(choice.rule)
    value = coupon_value(choice.rule, sum(weights.values()))
    book.give(choice.rule, value, weights, coupon_id=choice.coupon_id, code=choice.code)


def _hints(book: _Book, rules: Sequence[Rule], coupons: Sequence[CouponChoice]) -> list[Hint]:
    hints = []
    for rule in rules:
        weights = book.base(rule)
        if not weights:
            continue
        spent = sum(book.after_flash[k] for k in weights)
        above = sorted((t, off) for t, off in rule.tiers if t > spent)
        if above:
            hints.append(Hint(rule.promotion_id, rule.name, above[0][0] - spent, above[0][1]))
    for choice in coupons:
        rule = choice.rule
        weights = book.base(rule)
        spent = sum(book.after_flash[k] for k in weights)
        if weights and rule.threshold > 0 and spent < rule.threshold:
            save = rule.amount or rule.cap or rule.threshold * rule.percent_bp // 10_000
            hints.append(Hint(rule.promotion_id, rule.name, rule.threshold - spent, save))
    unique = {(h.promotion_id, h.missing): h for h in hints}
    return sorted(unique.values(), key=lambda h: (h.missing, h.promotion_id))


def _run(
    lines: Sequence[PriceLine],
    rules: Sequence[Rule],
    chosen: Sequence[CouponChoice],
    location_id: int | None,
) -> _Book:
    return _with_coupons(_before_coupons(lines, rules, location_id), chosen)


def _before_coupons(
    lines: Sequence[PriceLine], rules: Sequence[Rule], location_id: int | None
) -> _Book:
    """The book after the steps that do not depend on coupons: flash prices, then 满减."""
    live = [r for r in rules if r.scope != Scope.STORE or r.location_id == location_id]
    book = _Book(lines)
    _flash(book, [r for r in live if r.kind == Kind.FLASH_PRICE])
    book.after_flash = dict(book.left)
    _full_reductions(book, [r for r in live if r.kind == Kind.FULL_REDUCTION])
    return book


def _with_coupons(book: _Book, chosen: Sequence[CouponChoice]) -> _Book:
    """The coupon steps on `book`: one supplier coupon per supplier, then one platform."""
    for choice in sorted(_supplier_coupons(chosen), key=lambda c: c.rule.supplier_id or 0):
        _use_coupon(book, choice)
    for choice in [c for c in chosen if c.rule.scope != Scope.SUPPLIER][:1]:
        _use_coupon(book, choice)
    return book


def _supplier_coupons(chosen: Sequence[CouponChoice]) -> list[CouponChoice]:
    """One supplier coupon per supplier: the first chosen for each."""
    seen: dict[int, CouponChoice] = {}
    for choice in chosen:
        if choice.rule.scope == Scope.SUPPLIER:
            seen.setdefault(choice.rule.supplier_id or 0, choice)
    return list(seen.values())


def valid_choice(chosen: Sequence[CouponChoice]) -> bool:
    """At most one coupon per supplier and one platform (or store) coupon."""
    suppliers = [c.rule.supplier_id for c in chosen if c.rule.scope == Scope.SUPPLIER]
    platform = [c for c in chosen if c.rule.scope != Scope.SUPPLIER]
    return len(suppliers) == len(set(suppliers)) and len(platform) <= 1


def best_coupons(
    lines: Sequence[PriceLine],
    rules: Sequence[Rule],
    wallet: Sequence[CouponChoice],
    location_id: int | None = None,
) -> tuple[CouponChoice, ...]:
    """The combination of the wallet's coupons that takes the most off (ties: fewer coupons).

    One coupon (or none) per supplier and one platform coupon (or none). Supplier coupons
    touch only their supplier's lines, so each is tried once on its own; every combination
    of them with each platform coupon is then scored from those results (the platform
    coupon is measured on what the supplier coupons leave). With very many combinations,
    each supplier's best coupon alone is taken.
    """
    start = _before_coupons(lines, rules, location_id)
    slots: dict[int, list[CouponChoice]] = {}
    platform: list[CouponChoice] = []
    for choice in sorted(wallet, key=_coupon_order):
        if choice.rule.scope == Scope.SUPPLIER:
            slots.setdefault(choice.rule.supplier_id or 0, []).append(choice)
        else:
            platform.append(choice)
    # What each supplier coupon takes off each line (independent of the other suppliers').
    taken: dict[int, dict[int, int]] = {}
    for choices in slots.values():
        for choice in choices:
            after = _with_coupons(start.copy(), [choice]).left
            taken[id(choice)] = {k: start.left[k] - after[k] for k in start.left}
    options: list[list[CouponChoice | None]] = [
        [None, *choices] for _, choices in sorted(slots.items())
    ]
    count = len(platform) + 1
    for option in options:
        count *= len(option)
    if count > MAX_COMBINATIONS:
        options = [[None, max(o[1:], key=lambda c: sum(taken[id(c)].values()))] for o in options]
    covered = {
        id(p): [k for k, line in sorted(start.lines.items()) if p.rule.covers(line)]
        for p in platform
    }
    best: tuple[int, int, tuple[CouponChoice, ...]] = (0, 0, ())
    for combo in itertools.product(*options):
        chosen = [c for c in combo if c is not None]
        left = dict(start.left)
        value = 0
        for choice in chosen:
            for key, off in taken[id(choice)].items():
                left[key] -= off
                value += off
        for extra in [None, *platform]:
            total = value
            picked = tuple(chosen)
            if extra is not None:
                total += coupon_value(extra.rule, sum(left[k] for k in covered[id(extra)]))
                picked = (*picked, extra)
            if (total, -len(picked)) > (best[0], -best[1]):
                best = (total, len(picked), picked)
    return best[2]


def _coupon_order(choice: CouponChoice) -> tuple[int, int]:
    return (choice.rule.promotion_id, choice.coupon_id or 0)


def price_lines(
    lines: Sequence[PriceLine],
    rules: Sequence[Rule],
    chosen: Sequence[CouponChoice] = (),
    *,
    wallet: Sequence[CouponChoice] = (),
    location_id: int | None = None,
) -> Pricing:
    """Price the lines under the active `rules` and the `chosen` coupons.

    `chosen` beyond one per supplier and one platform coupon are ignored (the first of each
    counts); `wallet` is only for the hints (coupons close to their threshold). Line keys
    must be unique.
    """
    rules = [r for r in rules if r.scope != Scope.STORE or r.location_id == location_id]
    book = _run(lines, rules, chosen, location_id)
    used = {a.coupon_id or a.code for a in book.applied if a.coupon_id or a.code}
    priced = tuple(
        PricedLine(
            key=line.key,
            quantity=line.quantity,
            unit_price=line.unit_price,
            base=line.unit_price * line.quantity,
            discounts=tuple(book.discounts[line.key]),
            member_discount=book.member[line.key],
        )
        for line in lines
    )
    applied = tuple(sorted(book.applied, key=lambda a: (a.kind.order, a.promotion_id)))
    spare = [c for c in wallet if (c.coupon_id or c.code) not in used]
    hints = _hints(book, [r for r in rules if r.kind == Kind.FULL_REDUCTION], spare)
    kept = tuple(c for c in chosen if (c.coupon_id or c.code) in used)
    return Pricing(lines=priced, applied=applied, hints=tuple(hints), coupons=kept)
