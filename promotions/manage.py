"""Suppliers and operators create, pause, resume and end promotions, and see their figures.

A supplier's promotions are its own (scope supplier, its goods only); an operator's are
platform-wide or one store's. Figures (claimed, used, money given away) are the counters
kept by `promotions.usage` and `promotions.claims`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.variant_facts import variants_info
from core.database import is_unique_violation, write_transaction
from core.errors import PermissionDenied
from promotions.errors import InvalidPromotion, PromotionNotFound, PromotionStateConflict
from promotions.kinds import Kind, Scope, Status
from promotions.offers import normalise_code
from promotions.tables import Promotion

#: The largest single amount a rule may name, in fen (¥1,000,000).
MAX_AMOUNT = 100_000_000
MAX_TIERS = 5
CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass(frozen=True, slots=True)
class PromotionSpec:
    """A promotion as its owner describes it (amounts in fen, percent in basis points)."""

    kind: str
    name: str
    starts_at: datetime
    ends_at: datetime
    #: Operators: platform or store; suppliers: always supplier.
    scope: str = Scope.PLATFORM
    location_id: int | None = None
    amount: int = 0
    percent_bp: int = 0
    cap: int = 0
    threshold: int = 0
    tiers: Sequence[tuple[int, int]] = ()
    flash_price: int = 0
    variant_id: int | None = None
    product_ids: Sequence[int] = ()
    category_ids: Sequence[int] = ()
    code: str | None = None
    total: int = 0
    per_consumer: int = 1


@dataclass(frozen=True, slots=True)
class PromotionView:
    """A promotion with its figures."""

    id: int
    kind: str
    scope: str
    name: str
    status: str
    supplier_id: int | None
    location_id: int | None
    starts_at: datetime
    ends_at: datetime
    code: str | None
    variant_id: int | None
    total: int
    claimed: int
    used: int
    per_consumer: int
    given: int
    rules: dict[str, Any] = field(default_factory=dict)
    applies_to: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """The rule in short, language-neutral: ¥ amounts, % and tiers."""
        r = self.rules
        if self.kind == Kind.FLASH_PRICE:
            return f"¥{r.get('flash_price', 0) / 100:.2f}"
        if self.kind == Kind.FULL_REDUCTION:
            return " / ".join(f"{t / 100:g}-{o / 100:g}" for t, o in r.get("tiers", []))
        off = (
            f"{r.get('percent_bp', 0) / 100:g}%"
            if r.get("percent_bp")
            else f"¥{r.get('amount', 0) / 100:g}"
        )
        return f"≥¥{r.get('threshold', 0) / 100:g} −{off}"


def view_of(row: dict[str, Any]) -> PromotionView:
    """The view of a promotion row."""

    def as_dict(value: Any) -> dict[str, Any]:
        return (json.loads(value or "{}") if isinstance(value, str) else value) or {}

    return PromotionView(
        id=row["id"],
        kind=row["kind"],
        scope=row["scope"],
        name=row["name"],
        status=row["status"],
        supplier_id=row["supplier_id"],
        location_id=row["location_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        code=row["code"],
        variant_id=row["variant_id"],
        total=row["total"],
        claimed=row["claimed"],
        used=row["used"],
        per_consumer=row["per_consumer"],
        given=row["given"],
        rules=as_dict(row["rules"]),
        applies_to=as_dict(row["applies_to"]),
    )


def _money(value: int, name: str) -> int:
    if not 0 <= value <= MAX_AMOUNT:
        raise InvalidPromotion(
            "{field} must be between 0 and {high} fen", field=name, high=MAX_AMOUNT
        )
    return value


def _rules(spec: PromotionSpec) -> dict[str, Any]:
    """The stored rule of a spec, checked."""
    if spec.kind == Kind.COUPON:
        _money(spec.threshold, "threshold")
        if bool(spec.amount) == bool(spec.percent_bp):
            raise InvalidPromotion(
                "amount, percent_bp: a coupon takes either an amount or a percentage off"
            )
        if spec.percent_bp and not 1 <= spec.percent_bp <= 9_900:
            raise InvalidPromotion("percent_bp must be between 1 and 9900")
        if spec.amount and spec.threshold and spec.amount > spec.threshold:
            raise InvalidPromotion("amount cannot exceed the threshold")
        return {
            "amount": _money(spec.amount, "amount"),
            "percent_bp": spec.percent_bp,
            "cap": _money(spec.cap, "cap"),
            "threshold": spec.threshold,
        }
    if spec.kind == Kind.FULL_REDUCTION:
        tiers = sorted((int(t), int(o)) for t, o in spec.tiers)
        if not 1 <= len(tiers) <= MAX_TIERS:
            raise InvalidPromotion("tiers: give 1 to {n} tiers", n=MAX_TIERS)
        for threshold, off in tiers:
            _money(threshold, "tiers")
            if not 0 < off <= threshold:
                raise InvalidPromotion(
                    "tiers: each reduction must be above 0 and at most its threshold"
                )
        return {"tiers": [list(t) for t in tiers]}
    if spec.kind == Kind.FLASH_PRICE:
        if spec.variant_id is None:
            raise InvalidPromotion("variant_id: a limited-time price is for one variant")
        return {"flash_price": _money(spec.flash_price, "flash_price")}
    raise InvalidPromotion("kind must be one of {kinds}", kinds=", ".join(Kind))


async def create_promotion(me: CurrentUser, spec: PromotionSpec) -> PromotionView:
    """Create a promotion for the caller's supplier (supplier) or platform / a store (operator).

    Raises:
        InvalidPromotion: a field breaks a rule (400, naming it).
        PermissionDenied: not a supplier or operator, or another supplier's variant.
    """
    name = spec.name.strip()
    if not 1 <= len(name) <= 100:
        raise InvalidPromotion("name must be 1 to 100 characters")
    if spec.ends_at <= spec.starts_at:
        raise InvalidPromotion("ends_at must be after starts_at")
    if spec.total < 0 or spec.per_consumer < 0:
        raise InvalidPromotion("total and per_consumer cannot be negative")
    rules = _rules(spec)
    supplier_id: int | None = None
    location_id: int | None = None
    if me.role is Role.SUPPLIER and me.supplier_id is not None:
        scope = Scope.SUPPLIER
        supplier_id = me.supplier_id
    elif me.role is Role.OPERATOR:
        if spec.scope not in (Scope.PLATFORM, Scope.STORE):
            raise InvalidPromotion("scope must be platform or store")
        scope = Scope(spec.scope)
        if scope == Scope.STORE:
            if spec.location_id is None:
                raise InvalidPromotion("location_id: a store promotion names its store")
            location_id = spec.location_id
    else:
        raise PermissionDenied("Only suppliers and operators create promotions")
    if spec.variant_id is not None:
        info = (await variants_info([spec.variant_id])).get(spec.variant_id)
        if info is None:
            raise InvalidPromotion("variant_id: there is no variant {id}", id=spec.variant_id)
        if supplier_id is not None and info.supplier_id != supplier_id:
            raise PermissionDenied("Variant {id} is not yours", id=spec.variant_id)
    code = normalise_code(spec.code) if spec.code and spec.code.strip() else None
    if code is not None and (
        spec.kind != Kind.COUPON or not 3 <= len(code) <= 32 or set(code) - CODE_CHARS
    ):
        raise InvalidPromotion("code: 3 to 32 letters, digits, - or _ (coupons only)")
    try:
        async with write_transaction():
            row = (
                await Promotion.insert(
                    Promotion(
                        kind=spec.kind,
                        scope=scope,
                        supplier_id=supplier_id,
                        location_id=location_id,
                        name=name,
                        status=Status.ACTIVE,
                        starts_at=spec.starts_at,
                        ends_at=spec.ends_at,
                        rules=rules,
                        applies_to={
                            "product_ids": sorted({int(i) for i in spec.product_ids}),
                            "category_ids": sorted({int(i) for i in spec.category_ids}),
                        },
                        variant_id=spec.variant_id if spec.kind == Kind.FLASH_PRICE else None,
                        code=code,
                        total=spec.total,
                        per_consumer=spec.per_consumer,
                        created_by=me.id,
                    )
                ).returning(Promotion.id)
            )[0]
    except Exception as error:
        if is_unique_violation(error):
            raise InvalidPromotion("code: {code} is taken", code=code) from None
        raise
    return await promotion_of(me, row["id"])


def _mine(me: CurrentUser) -> Any:
    if me.role is Role.OPERATOR:
        return Promotion.scope != Scope.SUPPLIER
    if me.role is Role.SUPPLIER and me.supplier_id is not None:
        return (Promotion.scope == Scope.SUPPLIER) & (Promotion.supplier_id == me.supplier_id)
    raise PermissionDenied("Only suppliers and operators manage promotions")


async def promotion_of(me: CurrentUser, promotion_id: int) -> PromotionView:
    """One of the caller's promotions (404 for anyone else's)."""
    row = await Promotion.select().where(_mine(me) & (Promotion.id == promotion_id)).first()
    if row is None:
        raise PromotionNotFound("Promotion {id} was not found", id=promotion_id)
    return view_of(row)


async def my_promotions(me: CurrentUser, *, limit: int = 200) -> list[PromotionView]:
    """The caller's promotions, newest first, with their figures."""
    rows = await Promotion.select().where(_mine(me)).order_by(Promotion.id, ascending=False)
    return [view_of(r) for r in rows[:limit]]


#: Which moves are allowed: pause an active one, resume a paused one, end either.
MOVES = {
    "pause": ({Status.ACTIVE}, Status.PAUSED),
    "resume": ({Status.PAUSED}, Status.ACTIVE),
    "end": ({Status.ACTIVE, Status.PAUSED}, Status.ENDED),
}


async def move_promotion(me: CurrentUser, promotion_id: int, action: str) -> PromotionView:
    """Pause, resume or end one of the caller's promotions (one conditional UPDATE)."""
    if action not in MOVES:
        raise InvalidPromotion("action must be one of {actions}", actions=", ".join(MOVES))
    current = await promotion_of(me, promotion_id)
    sources, target = MOVES[action]
    async with write_transaction():
        done = (
            await Promotion.update({Promotion.status: target})
            .where((Promotion.id == promotion_id) & Promotion.status.is_in(sorted(sources)))
            .returning(Promotion.id)
        )
    if not done:
        raise PromotionStateConflict(
            "Promotion {id} is {status}: it cannot {action}",
            id=promotion_id,
            status=current.status,
            action=action,
        )
    return await promotion_of(me, promotion_id)


def now_utc() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)
