"""Consumer catalogue pages: search, category, product and shop pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts.access import ANYONE
from catalog.categories import category_by_slug, category_tree
from catalog.listings import listed_product
from catalog.reviews import list_product_reviews
from catalog.search import SORTS, SearchQuery, search_products
from catalog.shops import public_shop
from core.errors import DomainError
from core.types import parse_decimal
from fulfilment.hours import STORE_TZ

SORT_LABELS = {
    "relevance": "Best match",
    "sales": "Best selling",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "newest": "Newest",
}


def yuan_to_fen(value: str, label: str) -> int | None:
    """A price typed in yuan (`59.9`) as fen, None when empty."""
    if not value.strip():
        return None
    # Decimal, not float: `NaN` and `Infinity` are refused instead of failing the search.
    amount = parse_decimal(value, label, places=2, high=Decimal(10_000_000))
    return int(amount * 100)


async def _results_page(
    *,
    template_context: dict[str, Any],
    q: str,
    category_id: int | None,
    supplier: int | None,
    min_price: str,
    max_price: str,
    sort: str,
    page: int,
) -> Template:
    context = template_context | {
        "q": q,
        "form": {
            "min_price": min_price,
            "max_price": max_price,
            "sort": sort,
            "supplier": supplier,
        },
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "categories": await category_tree(),
        "selected_category": category_id,
        "error": None,
        "result": None,
    }
    try:
        context["result"] = await search_products(
            SearchQuery(
                q=q,
                category_id=category_id,
                supplier_id=supplier,
                min_price=yuan_to_fen(min_price, "Lowest price"),
                max_price=yuan_to_fen(max_price, "Highest price"),
                sort=sort,
                page=page,
            )
        )
    except DomainError as error:
        context["error"] = error.localized()
        return Template("storefront/search.html", context=context, status_code=error.status_code)
    return Template("storefront/search.html", context=context)


class CatalogPages(Controller):
    """`/search`, `/categories/{slug}`, `/products/{id}`, `/shops/{id}`."""

    include_in_schema = False

    @get("/search", opt=ANYONE)
    async def search(
        self,
        q: FromQuery[str] = "",
        category: FromQuery[int | None] = None,
        supplier: FromQuery[int | None] = None,
        min_price: FromQuery[str] = "",
        max_price: FromQuery[str] = "",
        sort: FromQuery[str] = "relevance",
        page: FromQuery[int] = 1,
    ) -> Template:
        """Search results with filters, sorting and pages (prices typed in yuan)."""
        return await _results_page(
            template_context={"heading": None, "action": "/search"},
            q=q,
            category_id=category,
            supplier=supplier,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
            page=page,
        )

    @get("/categories/{slug:str}", opt=ANYONE)
    async def category(
        self,
        slug: FromPath[str],
        q: FromQuery[str] = "",
        min_price: FromQuery[str] = "",
        max_price: FromQuery[str] = "",
        sort: FromQuery[str] = "relevance",
        page: FromQuery[int] = 1,
    ) -> Template:
        """A category's listed products, its sub-categories included."""
        row = await category_by_slug(slug)
        return await _results_page(
            template_context={"heading": row, "action": f"/categories/{row['slug']}"},
            q=q,
            category_id=row["id"],
            supplier=None,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
            page=page,
        )

    @get("/products/{product_id:int}", opt=ANYONE)
    async def product(
        self,
        product_id: FromPath[int],
        variant: FromQuery[int | None] = None,
        reviews_page: FromQuery[int] = 1,
    ) -> Template:
        """A listed product: images, specs, variant picker, price, shop link, buy buttons.

        Its average rating and one page of reviews (`?reviews_page=`) come below.
        """
        detail = await listed_product(product_id)
        selected = next(
            (v for v in detail["variants"] if v["id"] == variant), detail["variants"][0]
        )
        reviews = await list_product_reviews(product_id, reviews_page)
        return Template(
            "storefront/product.html",
            context={"product": detail, "selected": selected, "reviews": reviews, "tz": STORE_TZ},
        )

    @get("/shops/{supplier_id:int}", opt=ANYONE)
    async def shop(self, supplier_id: FromPath[int]) -> Template:
        """A supplier's decorated shop with its listed products."""
        return Template("storefront/shop.html", context={"shop": await public_shop(supplier_id)})
