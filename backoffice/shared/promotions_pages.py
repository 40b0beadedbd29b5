"""Console pages of promotions: suppliers and operators list, create, pause, resume, end.

Both consoles share one template; the domain (`promotions.manage`) decides whose
promotions a person sees and what scope a new one gets.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import OPERATORS, SUPPLIERS, Me
from accounts.roles import CurrentUser
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from core.types import MAX_INT32, clean_text, parse_decimal, parse_whole
from fulfilment.hours import STORE_TZ
from promotions.kinds import Kind
from promotions.manage import PromotionSpec, create_promotion, move_promotion, my_promotions

MAX_YUAN = Decimal(1_000_000)


class PromotionForm(msgspec.Struct):
    """The new-promotion form: yuan amounts, a percentage, local (Beijing) times."""

    kind: str = "coupon"
    name: str = ""
    starts_at: str = ""
    ends_at: str = ""
    scope: str = "platform"
    location_id: str = ""
    amount: str = ""
    percent: str = ""
    cap: str = ""
    threshold: str = ""
    #: 满减 tiers as "300-30, 500-80" (yuan).
    tiers: str = ""
    flash_price: str = ""
    variant_id: str = ""
    code: str = ""
    #: Narrow the promotion to products or categories: ids separated by commas or spaces.
    product_ids: str = ""
    category_ids: str = ""
    total: str = ""
    per_consumer: str = "1"


def _fen(value: str, field: str) -> int:
    if not value.strip():
        return 0
    return int(parse_decimal(value, field, places=2, high=MAX_YUAN) * 100)


def _local_time(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=STORE_TZ)
    except ValueError:
        raise InvalidInput("{field} is not a date and time", field=field) from None


def _tiers(text: str) -> list[tuple[int, int]]:
    tiers = []
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        threshold, sep, off = part.replace("减", "-").partition("-")
        if not sep:
            raise InvalidInput("{field} must look like 300-30, 500-80", field="tiers")
        tiers.append((_fen(threshold, "tiers"), _fen(off, "tiers")))
    return tiers


def _ids(text: str, field: str) -> list[int]:
    parts = text.replace("，", ",").replace(",", " ").split()
    if len(parts) > 100:
        raise InvalidInput("{field}: at most {n} ids", field=field, n=100)
    return [parse_whole(part, field, low=1, high=2**62) for part in parts]


def spec_of_form(form: PromotionForm) -> PromotionSpec:
    """The domain spec of the form, each field checked (400 naming it)."""
    percent = parse_decimal(form.percent or "0", "percent", places=2, high=Decimal(99))
    variant = parse_whole(form.variant_id, "variant_id", low=0, high=2**62)
    location = parse_whole(form.location_id, "location_id", low=0, high=2**62)
    return PromotionSpec(
        kind=form.kind,
        name=clean_text(form.name, "name", max_length=100),
        starts_at=_local_time(form.starts_at, "starts_at"),
        ends_at=_local_time(form.ends_at, "ends_at"),
        scope=form.scope,
        location_id=location or None,
        amount=_fen(form.amount, "amount"),
        percent_bp=int(percent * 100),
        cap=_fen(form.cap, "cap"),
        threshold=_fen(form.threshold, "threshold"),
        tiers=_tiers(form.tiers),
        flash_price=_fen(form.flash_price, "flash_price"),
        variant_id=variant or None,
        code=clean_text(form.code, "code", max_length=32) or None,
        product_ids=_ids(form.product_ids, "product_ids"),
        category_ids=_ids(form.category_ids, "category_ids"),
        total=parse_whole(form.total, "total", low=0, high=MAX_INT32),
        per_consumer=parse_whole(form.per_consumer, "per_consumer", low=0, high=MAX_INT32),
    )


async def _page(me: CurrentUser, base: str) -> Template:
    return Template(
        "backoffice/promotions.html",
        context={
            "promotions": await my_promotions(me),
            "base": base,
            "kinds": list(Kind),
            "operator": base.startswith("/operator"),
        },
    )


async def _create(me: CurrentUser, request: Request[Any, Any, Any], form: PromotionForm) -> None:
    try:
        made = await create_promotion(me, spec_of_form(form))
        flash(request, gettext("Promotion created: {name}").format(name=made.name), "success")
    except DomainError as error:
        flash(request, error.localized(), "error")


async def _move(
    me: CurrentUser, request: Request[Any, Any, Any], promotion_id: int, action: str
) -> None:
    try:
        await move_promotion(me, promotion_id, action)
    except DomainError as error:
        flash(request, error.localized(), "error")


class SupplierPromotionPages(Controller):
    """A supplier's promotions."""

    include_in_schema = False
    path = "/supplier/promotions"

    @get("/", opt=SUPPLIERS)
    async def index(self, me: Me) -> Template:
        """The supplier's promotions with usage and money given away, and a create form."""
        return await _page(me, "/supplier/promotions")

    @post("/", opt=SUPPLIERS)
    async def create(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[PromotionForm]
    ) -> Redirect:
        """Create a promotion."""
        await _create(me, request, data)
        return Redirect("/supplier/promotions")

    @post("/{promotion_id:int}/{action:str}", opt=SUPPLIERS)
    async def move(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        promotion_id: FromPath[int],
        action: FromPath[str],
    ) -> Redirect:
        """Pause, resume or end a promotion."""
        await _move(me, request, promotion_id, action)
        return Redirect("/supplier/promotions")


class OperatorPromotionPages(Controller):
    """Platform-wide and store promotions."""

    include_in_schema = False
    path = "/operator/promotions"

    @get("/", opt=OPERATORS)
    async def index(self, me: Me) -> Template:
        """Platform and store promotions with usage and money given away, and a create form."""
        return await _page(me, "/operator/promotions")

    @post("/", opt=OPERATORS)
    async def create(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[PromotionForm]
    ) -> Redirect:
        """Create a promotion."""
        await _create(me, request, data)
        return Redirect("/operator/promotions")

    @post("/{promotion_id:int}/{action:str}", opt=OPERATORS)
    async def move(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        promotion_id: FromPath[int],
        action: FromPath[str],
    ) -> Redirect:
        """Pause, resume or end a promotion."""
        await _move(me, request, promotion_id, action)
        return Redirect("/operator/promotions")
