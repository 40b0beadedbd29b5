"""Promotions JSON API of the consoles: suppliers' and operators' promotions and figures.

`/api/supplier/promotions` (the supplier's own) and `/api/operator/promotions` (platform and
store promotions) answer the same shapes; the domain (`promotions.manage`) decides whose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import OPERATORS, SUPPLIERS, Me
from core.types import BasisPoints, Count32, Id, Money, ShortText
from promotions.manage import (
    PromotionSpec,
    PromotionView,
    create_promotion,
    move_promotion,
    my_promotions,
    promotion_of,
)


class PromotionIn(msgspec.Struct):
    """A new promotion: amounts in fen, percentages in basis points (1000 = 10 % off).

    kind coupon: `amount` or `percent_bp` (+ `cap`), `threshold`, optional public `code`;
    full_reduction: `tiers` [[threshold, off], ...] (满300减30 = [30000, 3000]);
    flash_price: `variant_id`, `flash_price`. `total`: units (0 none), `per_consumer` (0 none).
    """

    kind: ShortText
    name: ShortText
    starts_at: datetime
    ends_at: datetime
    scope: ShortText = "platform"
    location_id: Id | None = None
    amount: Money = 0
    percent_bp: BasisPoints = 0
    cap: Money = 0
    threshold: Money = 0
    tiers: Annotated[
        list[Annotated[list[Money], msgspec.Meta(min_length=2, max_length=2)]],
        msgspec.Meta(max_length=5),
    ] = []
    flash_price: Money = 0
    variant_id: Id | None = None
    product_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] = []
    category_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] = []
    code: ShortText | None = None
    total: Count32 = 0
    per_consumer: Count32 = 1


class PromotionOut(msgspec.Struct):
    """A promotion and its figures: claimed, used, money given away (fen)."""

    id: int
    kind: str
    scope: str
    name: str
    status: str
    summary: str
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
    rules: dict[str, Any]
    applies_to: dict[str, Any]


def promotion_out(view: PromotionView) -> PromotionOut:
    """A promotion as JSON."""
    return PromotionOut(
        summary=view.summary,
        **{f: getattr(view, f) for f in PromotionOut.__struct_fields__ if f != "summary"},
    )


def spec_of(data: PromotionIn) -> PromotionSpec:
    """The domain spec of a request body."""
    return PromotionSpec(
        kind=data.kind,
        name=data.name,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        scope=data.scope,
        location_id=data.location_id,
        amount=data.amount,
        percent_bp=data.percent_bp,
        cap=data.cap,
        threshold=data.threshold,
        tiers=[(t[0], t[1]) for t in data.tiers],
        flash_price=data.flash_price,
        variant_id=data.variant_id,
        product_ids=data.product_ids,
        category_ids=data.category_ids,
        code=data.code,
        total=data.total,
        per_consumer=data.per_consumer,
    )


class _PromotionRoutes(Controller):
    tags = ["promotions"]

    @get("/")
    async def list_promotions(self, me: Me) -> list[PromotionOut]:
        """Your promotions, newest first, with usage and money given away."""
        return [promotion_out(v) for v in await my_promotions(me)]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(self, me: Me, data: JSONBody[PromotionIn]) -> PromotionOut:
        """Create a promotion (running from `starts_at` to `ends_at`)."""
        return promotion_out(await create_promotion(me, spec_of(data)))

    @get("/{promotion_id:int}")
    async def detail(self, me: Me, promotion_id: FromPath[int]) -> PromotionOut:
        """One of your promotions."""
        return promotion_out(await promotion_of(me, promotion_id))

    @post("/{promotion_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def move(
        self, me: Me, promotion_id: FromPath[int], action: FromPath[str]
    ) -> PromotionOut:
        """`pause`, `resume` or `end` a promotion (409 from the wrong state)."""
        return promotion_out(await move_promotion(me, promotion_id, action))


class SupplierPromotionsApi(_PromotionRoutes):
    """A supplier's own promotions."""

    path = "/api/supplier/promotions"
    opt = SUPPLIERS


class OperatorPromotionsApi(_PromotionRoutes):
    """Platform-wide and store promotions."""

    path = "/api/operator/promotions"
    opt = OPERATORS
