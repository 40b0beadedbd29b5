"""Price lines under the promotions active now: load the rules and coupons, call the pricing.

`price_for` is what the quote, the order, the cart and the POS call: it reads the member
prices the buyer qualifies for (`members.member_prices`), the active promotions that can
touch the lines, the consumer's wallet and the codes typed, and hands
them to the one pure function `promotions.pricing.price_lines`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from core.statements import fetch
from members.member_prices import prices_for
from promotions.errors import PromotionUsedUp, UnknownCoupon
from promotions.kinds import CouponStatus, Kind, Scope, Status
from promotions.pricing import CouponChoice, PriceLine, Pricing, Rule, best_coupons, price_lines
from promotions.tables import Coupon, Promotion, PromotionBuyer

#: Most coupon codes one order may carry.
MAX_CODES = 10


def _json(value: Any) -> dict[str, Any]:
    """A JSON column as a dict (Piccolo reads JSON back as text)."""
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value or {}


def rule_of(row: dict[str, Any], *, units_left: int | None = None) -> Rule:
    """The pricing rule of a promotion row."""
    rules = _json(row["rules"])
    scope = _json(row["applies_to"])
    return Rule(
        promotion_id=row["id"],
        kind=Kind(row["kind"]),
        scope=Scope(row["scope"]),
        name=row["name"],
        supplier_id=row["supplier_id"],
        location_id=row["location_id"],
        product_ids=frozenset(int(i) for i in scope.get("product_ids", [])),
        category_ids=frozenset(int(i) for i in scope.get("category_ids", [])),
        variant_ids=frozenset([row["variant_id"]]) if row["variant_id"] else frozenset(),
        amount=int(rules.get("amount", 0)),
        percent_bp=int(rules.get("percent_bp", 0)),
        cap=int(rules.get("cap", 0)),
        threshold=int(rules.get("threshold", 0)),
        tiers=tuple((int(t), int(o)) for t, o in rules.get("tiers", [])),
        flash_price=int(rules.get("flash_price", 0)),
        units_left=units_left,
    )


def _when(value: Any) -> datetime:
    """A timestamp read by a raw query (SQLite may hand back text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def running(row: dict[str, Any], now: datetime) -> bool:
    """Active and within its window."""
    return row["status"] == Status.ACTIVE and _when(row["starts_at"]) <= now < _when(row["ends_at"])


#: A promotion row as the wallet's rows are (no coupon: NULLs), so both read in one statement.
_RULES_SQL = (
    "SELECT p.*, 0 AS from_wallet, NULL AS coupon_id, NULL AS coupon_code FROM promotion p "
    "WHERE p.status = {{}} AND p.kind <> {{}} "
    "AND (p.supplier_id IS NULL OR p.supplier_id IN ({suppliers})) "
    "AND (p.kind <> {{}} OR p.variant_id IN ({variants}))"
)
_WALLET_SQL = (
    "SELECT p.*, 1 AS from_wallet, c.id AS coupon_id, c.code AS coupon_code FROM coupon c "
    "JOIN promotion p ON p.id = c.promotion WHERE c.owner_id = {} AND c.status = {}"
)


def _rules_statement(lines: Sequence[PriceLine]) -> tuple[str, list[Any]]:
    """The promotions (not coupons) active and able to touch these lines: text, arguments."""
    suppliers = sorted({line.supplier_id for line in lines})
    variants = sorted({line.key for line in lines})
    sql = _RULES_SQL.format(
        suppliers=", ".join("{}" for _ in suppliers), variants=", ".join("{}" for _ in variants)
    )
    args = [Status.ACTIVE.value, Kind.COUPON.value, *suppliers, Kind.FLASH_PRICE.value, *variants]
    return sql, args


async def _rules_of_rows(
    rows: list[dict[str, Any]],
    lines: Sequence[PriceLine],
    *,
    customer_id: int | None,
    now: datetime,
) -> list[Rule]:
    """The rules of the promotion rows running now, flash prices with their units left."""
    variants = {line.key for line in lines}
    rows = [
        r
        for r in rows
        if running(r, now) and (r["kind"] != Kind.FLASH_PRICE or r["variant_id"] in variants)
    ]
    flash = [r["id"] for r in rows if r["kind"] == Kind.FLASH_PRICE and r["per_consumer"]]
    had: dict[int, int] = {}
    if flash and customer_id is not None:
        for b in await PromotionBuyer.select().where(
            PromotionBuyer.promotion.is_in(flash) & (PromotionBuyer.consumer_id == customer_id)
        ):
            had[b["promotion"]] = b["used"]
    rules = []
    for r in rows:
        left: int | None = None
        if r["kind"] == Kind.FLASH_PRICE:
            if r["total"]:
                left = max(0, r["total"] - r["used"])
            if r["per_consumer"] and customer_id is not None:
                mine = max(0, r["per_consumer"] - had.get(r["id"], 0))
                left = mine if left is None else min(left, mine)
        rules.append(rule_of(r, units_left=left))
    return rules


def _choices_of_rows(rows: list[dict[str, Any]], now: datetime) -> list[CouponChoice]:
    """The wallet coupons of the rows (promotion and coupon) that can be used now."""
    return [
        CouponChoice(rule_of(r), r["coupon_id"], r["coupon_code"]) for r in rows if running(r, now)
    ]


async def active_rules(
    lines: Sequence[PriceLine], *, customer_id: int | None, now: datetime
) -> list[Rule]:
    """The flash prices and 满减 running now that can touch these lines.

    A flash price's `units_left` is what is left under its cap and under the consumer's own
    limit (not counted for a walk-in customer).
    """
    if not lines:
        return []
    # One plain query (Piccolo's query building costs more than the query on every quote);
    # the few rows are checked against the window here.
    sql, args = _rules_statement(lines)
    rows = await fetch(sql + " ORDER BY p.id", *args)
    return await _rules_of_rows(rows, lines, customer_id=customer_id, now=now)


async def wallet_choices(customer_id: int | None, now: datetime) -> list[CouponChoice]:
    """The consumer's unused coupons that can be used now."""
    if customer_id is None:
        return []
    rows = await fetch(_WALLET_SQL + " ORDER BY c.id", customer_id, CouponStatus.UNUSED.value)
    return _choices_of_rows(rows, now)


async def rules_and_wallet(
    lines: Sequence[PriceLine], *, customer_id: int | None, now: datetime
) -> tuple[list[Rule], list[CouponChoice]]:
    """`active_rules` and `wallet_choices` together, read in one statement.

    Every quote and order needs both: one round trip instead of two. The promotions come
    first (by id), then the wallet's coupons (by coupon id), as the two reads give them.
    """
    if not lines or customer_id is None:
        rules = await active_rules(lines, customer_id=customer_id, now=now)
        return rules, await wallet_choices(customer_id, now)
    sql, args = _rules_statement(lines)
    rows = await fetch(
        f"{sql} UNION ALL {_WALLET_SQL} ORDER BY from_wallet, coupon_id, id",
        *args,
        customer_id,
        CouponStatus.UNUSED.value,
    )
    promotions = [r for r in rows if not r["from_wallet"]]
    wallet = [r for r in rows if r["from_wallet"]]
    rules = await _rules_of_rows(promotions, lines, customer_id=customer_id, now=now)
    return rules, _choices_of_rows(wallet, now)


def normalise_code(code: str) -> str:
    """A code as stored: trimmed, upper case."""
    return code.strip().upper()


async def code_choices(
    codes: Sequence[str], *, customer_id: int | None, channel_any_owner: bool, now: datetime
) -> list[CouponChoice]:
    """The coupons named by typed or scanned codes: a wallet coupon's or a promotion's code.

    Online, a wallet coupon must be the consumer's own; at the counter
    (`channel_any_owner`) holding the code is enough.

    Raises:
        UnknownCoupon: a code names nothing usable by this person (400).
        PromotionUsedUp: the coupon was used, or its promotion ended or ran out (409).
    """
    wanted = [normalise_code(c) for c in codes if c.strip()]
    if len(wanted) > MAX_CODES:
        raise UnknownCoupon("At most {n} coupons per order", n=MAX_CODES)
    choices: list[CouponChoice] = []
    for code in dict.fromkeys(wanted):
        coupon = await Coupon.select().where(Coupon.code == code).first()
        if coupon is not None and (channel_any_owner or coupon["owner_id"] == customer_id):
            promo = await Promotion.select().where(Promotion.id == coupon["promotion"]).first()
            assert promo is not None
            if coupon["status"] != CouponStatus.UNUSED or not running(promo, now):
                raise PromotionUsedUp("Coupon {code} can no longer be used", code=code)
            choices.append(CouponChoice(rule_of(promo), coupon["id"], code))
            continue
        promo = await Promotion.select().where(Promotion.code == code).first()
        if promo is None or promo["kind"] != Kind.COUPON:
            raise UnknownCoupon("There is no coupon {code}", code=code[:40])
        if not running(promo, now) or (promo["total"] and promo["used"] >= promo["total"]):
            raise PromotionUsedUp("Coupon {code} can no longer be used", code=code)
        choices.append(CouponChoice(rule_of(promo), None, code))
    return choices


async def price_for(
    lines: Sequence[PriceLine],
    *,
    customer_id: int | None,
    codes: Sequence[str] | None,
    location_id: int | None = None,
    at_counter: bool = False,
    now: datetime | None = None,
    member_id: int | None = None,
) -> Pricing:
    """Price the lines under the buyer's member prices and today's promotions.

    `codes` None: the best combination of the consumer's wallet coupons; otherwise exactly
    the coupons named (wallet or public codes; an empty list uses none). `member_id`: the
    member whose member prices apply (the member found at the counter); by default the
    customer.
    """
    now = now or datetime.now(UTC)
    member = await prices_for(
        member_id if member_id is not None else customer_id, [line.key for line in lines]
    )
    lines = [replace(line, member_price=member.get(line.key, 0)) for line in lines]
    rules, wallet = await rules_and_wallet(lines, customer_id=customer_id, now=now)
    if codes is None:
        chosen: Sequence[CouponChoice] = best_coupons(lines, rules, wallet, location_id)
    else:
        chosen = await code_choices(
            codes, customer_id=customer_id, channel_any_owner=at_counter, now=now
        )
    return price_lines(lines, rules, chosen, wallet=wallet, location_id=location_id)
