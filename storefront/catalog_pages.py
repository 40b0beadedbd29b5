"""Consumer catalogue pages: search, category, product and shop pages."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.access import ANYONE, Viewer
from analytics.recommend import record_search, record_view
from catalog.categories import category_by_slug, category_tree
from catalog.listings import listed_product
from catalog.search import MAX_FILTERS, MAX_PAGE, SORTS, SearchQuery, SearchResult, search_products
from catalog.shops import public_shop
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from core.types import parse_decimal
from locations.stock_reads import held_nowhere, shown_available
from members.member_prices import prices_for
from storefront.product_body import TemplateRenderer, product_body
from storefront.search_history import remember_search
from storefront.shopper import shopper_of

SORT_LABELS = {
    "relevance": "Best match",
    "sales": "Best selling",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "newest": "Newest",
}


def yuan_to_fen(value: str, label: str) -> int | None:
    """A price typed in yuan (`59.9`) as fen, None when empty.

    `label` is the field's name already in the visitor's language, so the message reads
    in one language ("最低价 abc 不是有效价格", never "Lowest price 不是有效价格").
    """
    if not value.strip():
        return None
    # Decimal, not float: `NaN` and `Infinity` are refused instead of failing the search.
    amount = parse_decimal(value, label, places=2, high=Decimal(10_000_000))
    return int(amount * 100)


def whole_number(value: str, label: str) -> int | None:
    """An id or number from a link or form, None when empty; a clear message otherwise."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("{field} is not valid: {value}", field=label, value=value[:20])
    return int(value)


def _filters(
    category: str, supplier: str, min_price: str, max_price: str, sort: str, page: str
) -> SearchQuery:
    """The search filters as typed, checked with messages in the visitor's language."""
    lowest = yuan_to_fen(min_price, gettext("Lowest price"))
    highest = yuan_to_fen(max_price, gettext("Highest price"))
    if lowest is not None and highest is not None and lowest > highest:
        raise InvalidInput("The lowest price is above the highest price")
    try:
        wanted_page = max(1, int(page or 1))
    except ValueError:
        wanted_page = 1  # a mangled page number in a link: start at the first page
    return SearchQuery(
        category_id=whole_number(category, gettext("Category")),
        supplier_id=whole_number(supplier, gettext("Shop")),
        min_price=lowest,
        max_price=highest,
        sort=sort if sort in SORTS else "relevance",
        page=min(wanted_page, MAX_PAGE),
    )


def _facet_links(
    path: str, params: dict[str, Any], brands: list[str], specs: list[str], result: SearchResult
) -> dict[str, Any]:
    """Chips of the brand and spec facets, each a link that turns its filter on or off."""

    def href(new_brands: list[str], new_specs: list[str]) -> str:
        query = [(k, v) for k, v in params.items() if v]
        query += [("brand", b) for b in new_brands] + [("spec", s) for s in new_specs]
        return path + "?" + urlencode(query)

    def toggled(items: list[str], item: str) -> list[str]:
        return [i for i in items if i != item] if item in items else [*items, item]

    brand_chips = [
        {
            "value": b.value,
            "count": b.count,
            "selected": b.value in brands,
            "href": href(toggled(brands, b.value), specs),
        }
        for b in result.brands
    ]
    spec_groups: dict[str, list[dict[str, Any]]] = {}
    for spec in result.specs:
        key = f"{spec.name}:{spec.value}"
        spec_groups.setdefault(spec.name, []).append(
            {
                "value": spec.value,
                "count": spec.count,
                "selected": key in specs,
                "href": href(brands, toggled(specs, key)),
            }
        )
    return {
        "brands": brand_chips,
        "specs": list(spec_groups.items()),
        "page_base": href(brands, specs),
    }


async def _results_page(
    *,
    template_context: dict[str, Any],
    q: str,
    category: str,
    supplier: str,
    min_price: str,
    max_price: str,
    sort: str,
    page: str,
    brands: list[str] | None = None,
    specs: list[str] | None = None,
) -> Template:
    brands = [b for b in (brands or []) if b.strip()][:MAX_FILTERS]
    specs = [s for s in (specs or []) if s.strip()][:MAX_FILTERS]
    context = template_context | {
        "q": q,
        "form": {
            "min_price": min_price,
            "max_price": max_price,
            "sort": sort if sort in SORTS else "relevance",
            "supplier": supplier if supplier.strip().isdigit() else "",
        },
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "categories": await category_tree(),
        "selected_category": int(category) if category.strip().isdigit() else None,
        "error": None,
        "result": None,
        "sold_out": set(),
        "facets": None,
    }
    try:
        wanted = _filters(category, supplier, min_price, max_price, sort, page)
        context["result"] = result = await search_products(
            replace(wanted, q=q, brands=tuple(brands), specs=tuple(specs))
        )
        path = template_context["action"]
        params = {
            "q": q,
            "category": "" if template_context["heading"] else category,
            "supplier": context["form"]["supplier"],
            "min_price": min_price,
            "max_price": max_price,
            "sort": context["form"]["sort"] if context["form"]["sort"] != "relevance" else "",
        }
        context["facets"] = _facet_links(path, params, brands, specs, result)
        sold_out = held_nowhere(
            await shown_available(v["id"] for p in result.items for v in p["variants"])
        )
        context["sold_out"] = {
            p["id"] for p in result.items if all(v["id"] in sold_out for v in p["variants"])
        }
    except DomainError as error:
        context["error"] = error.localized()
        return Template("storefront/search.html", context=context, status_code=error.status_code)
    return Template("storefront/search.html", context=context)


def _templates(request: Request[Any, Any, Any]) -> TemplateRenderer:
    """The app's template engine (server.app always configures one)."""
    engine = request.app.template_engine
    if engine is None:
        raise RuntimeError("The app has no template engine")
    return engine


class CatalogPages(Controller):
    """`/search`, `/categories/{slug}`, `/products/{id}`, `/shops/{id}`."""

    include_in_schema = False

    @get("/search", opt=ANYONE)
    async def search(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        q: FromQuery[str] = "",
        category: FromQuery[str] = "",
        supplier: FromQuery[str] = "",
        min_price: FromQuery[str] = "",
        max_price: FromQuery[str] = "",
        sort: FromQuery[str] = "relevance",
        page: FromQuery[str] = "1",
        brand: FromQuery[list[str] | None] = None,
        spec: FromQuery[list[str] | None] = None,
    ) -> Template:
        """Search results with filters, facets, sorting and pages (prices typed in yuan).

        Every filter arrives as text and is checked here, so a bad value gets a message in
        the visitor's language on the page instead of a validation error.
        """
        remember_search(request, q)
        record_search(q[:200], shopper_of(viewer, request))
        return await _results_page(
            template_context={"heading": None, "action": "/search"},
            q=q,
            category=category,
            supplier=supplier,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
            page=page,
            brands=brand,
            specs=spec,
        )

    @get("/categories/{slug:str}", opt=ANYONE)
    async def category(
        self,
        slug: FromPath[str],
        q: FromQuery[str] = "",
        min_price: FromQuery[str] = "",
        max_price: FromQuery[str] = "",
        sort: FromQuery[str] = "relevance",
        page: FromQuery[str] = "1",
        brand: FromQuery[list[str] | None] = None,
        spec: FromQuery[list[str] | None] = None,
    ) -> Template:
        """A category's listed products, its sub-categories included."""
        row = await category_by_slug(slug)
        return await _results_page(
            template_context={"heading": row, "action": f"/categories/{row['slug']}"},
            q=q,
            category=str(row["id"]),
            supplier="",
            min_price=min_price,
            max_price=max_price,
            sort=sort,
            page=page,
            brands=brand,
            specs=spec,
        )

    @get("/products/{product_id:int}", opt=ANYONE)
    async def product(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        variant: FromQuery[int | None] = None,
        reviews_page: FromQuery[int] = 1,
    ) -> Template:
        """A listed product: images, specs, variant picker, price, shop link, buy buttons.

        Its average rating and one page of reviews (`?reviews_page=`) come below.
        """
        detail = await listed_product(product_id)
        record_view(product_id, shopper_of(viewer, request))
        selected = next(
            (v for v in detail["variants"] if v["id"] == variant), detail["variants"][0]
        )
        # Units available anywhere, per variant: a variant held nowhere cannot be bought,
        # so its buttons are disabled instead of failing at checkout.
        stock = await shown_available(v["id"] for v in detail["variants"])
        sold_out = held_nowhere(stock)
        # What every viewer sees is rendered once per catalog version (storefront/product_body);
        # only the price, the units one may buy and the CSRF fields are rendered per request.
        body = await product_body(_templates(request), detail, selected, reviews_page, sold_out)
        # The member price (会员价) of the chosen variant: the price itself for a member
        # whose level reaches it, a hint to everyone else (nobody has one without a price).
        member_price = body.member_price
        mine = (
            await prices_for(viewer.id if viewer else None, [selected["id"]])
            if member_price
            else {}
        )
        return Template(
            "storefront/product.html",
            context={
                "product": detail,
                "body": body,
                "member_price": member_price,
                "my_member_price": mine.get(selected["id"]),
                "selected": selected,
                "stock": stock,
                "sold_out": selected["id"] in sold_out,
            },
        )

    @get("/shops/{supplier_id:int}", opt=ANYONE)
    async def shop(self, supplier_id: FromPath[int]) -> Template:
        """A supplier's decorated shop with its listed products."""
        return Template("storefront/shop.html", context={"shop": await public_shop(supplier_id)})
