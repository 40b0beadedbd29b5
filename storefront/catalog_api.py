"""Consumer JSON API: browsing the catalog."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from accounts.access import ANYONE
from catalog.categories import category_tree
from catalog.listings import listed_product
from catalog.reviews import summary_of
from catalog.search import PAGE_SIZE, SearchQuery, search_products
from catalog.shops import public_shop
from core.types import ShortText


class CategoryOut(msgspec.Struct):
    """A category with its children."""

    id: int
    slug: str
    name_zh: str
    name_en: str
    parent_id: int | None
    children: list[CategoryOut]


class StorefrontApi(Controller):
    """`/api/categories` and, with later issues, products and availability."""

    path = "/api"
    tags = ["storefront"]

    @get("/categories", opt=ANYONE)
    async def categories(self) -> list[CategoryOut]:
        """The category tree, top-level categories first."""
        return msgspec.convert(await category_tree(), list[CategoryOut], from_attributes=True)


class VariantBrief(msgspec.Struct):
    """A SKU in search results."""

    id: int
    sku: str
    price: int


class ProductBrief(msgspec.Struct):
    """A product in search results; prices in fen."""

    id: int
    name: str
    name_en: str
    brand: str
    image: str
    supplier_id: int
    supplier_name: str
    price_from: int
    sales_count: int
    variants: list[VariantBrief]
    currency: str = "CNY"
    #: Average of the consumers' ratings (1-5, one decimal), null before the first review.
    rating_average: float | None = None
    review_count: int = 0


class BrandFacet(msgspec.Struct):
    """A brand among all matches and how many matches it has (the brand filter aside)."""

    value: str
    count: int


class SpecFacet(msgspec.Struct):
    """A spec value among all matches and how many matches have it."""

    name: str
    value: str
    count: int


class ProductPage(msgspec.Struct):
    """One page of search results, with the brand and spec facets of all matches."""

    items: list[ProductBrief]
    page: int
    pages: int
    total: int
    brands: list[BrandFacet] = []
    specs: list[SpecFacet] = []


class VariantOut(msgspec.Struct):
    """A purchasable SKU with its options."""

    id: int
    sku: str
    price: int
    options: dict[str, str]
    barcode: str
    weight_g: int
    currency: str = "CNY"


class CategoryRef(msgspec.Struct):
    """The category a product is in."""

    id: int
    slug: str
    name_zh: str
    name_en: str


class ProductOut(msgspec.Struct):
    """A listed product with its images, specs and variants."""

    id: int
    name: str
    name_en: str
    brand: str
    description: str
    images: list[str]
    specs: dict[str, list[str]]
    supplier_id: int
    supplier_name: str
    category: CategoryRef
    price_from: int
    variants: list[VariantOut]
    currency: str = "CNY"
    #: Average of the consumers' ratings (1-5, one decimal), null before the first review.
    rating_average: float | None = None
    review_count: int = 0


class ShopOut(msgspec.Struct):
    """An active supplier's shop page as JSON."""

    id: int
    name: str
    intro: str
    logo: str
    banner: str
    layout: str
    featured: list[ProductBrief]
    products: list[ProductBrief]


def product_brief(row: dict[str, Any]) -> ProductBrief:
    """A search row (or shop row) as JSON."""
    rating = summary_of(row.get("review_count", 0), row.get("rating_sum", 0))
    return ProductBrief(
        id=row["id"],
        name=row["name"],
        name_en=row.get("name_en", ""),
        brand=row.get("brand", ""),
        image=row.get("image", ""),
        supplier_id=row.get("supplier_id", 0),
        supplier_name=row.get("supplier_name", ""),
        price_from=row["price_from"],
        sales_count=row.get("sales_count", 0),
        variants=[VariantBrief(**v) for v in row.get("variants", [])],
        rating_average=rating.average,
        review_count=rating.count,
    )


def product_out(detail: dict[str, Any]) -> ProductOut:
    """A product detail as JSON."""
    category = detail["category_row"]
    rating = summary_of(detail["review_count"], detail["rating_sum"])
    return ProductOut(
        id=detail["id"],
        name=detail["name"],
        name_en=detail["name_en"],
        brand=detail["brand"],
        description=detail["description"],
        images=detail["gallery"],
        specs=detail["specs"] or {},
        supplier_id=detail["supplier_id"],
        supplier_name=detail["supplier_name"],
        category=CategoryRef(
            id=category["id"],
            slug=category["slug"],
            name_zh=category["name_zh"],
            name_en=category["name_en"],
        ),
        price_from=detail["price_from"],
        variants=[
            VariantOut(
                id=v["id"],
                sku=v["sku"],
                price=v["price"],
                options=v["options"] or {},
                barcode=v["barcode"],
                weight_g=v["weight_g"],
            )
            for v in detail["variants"]
        ],
        rating_average=rating.average,
        review_count=rating.count,
    )


class CatalogApi(Controller):
    """`/api/products` search and detail, `/api/shops/{id}`: listed goods only."""

    path = "/api"
    tags = ["storefront"]

    @get("/products", opt=ANYONE)
    async def products(
        self,
        q: FromQuery[str] = "",
        category: FromQuery[int | None] = None,
        supplier: FromQuery[int | None] = None,
        min_price: FromQuery[int | None] = None,
        max_price: FromQuery[int | None] = None,
        sort: FromQuery[str] = "relevance",
        page: FromQuery[int] = 1,
        per_page: FromQuery[int] = PAGE_SIZE,
        brand: FromQuery[list[ShortText] | None] = None,
        spec: FromQuery[list[ShortText] | None] = None,
    ) -> ProductPage:
        """Search listed products by keyword, category (with children), supplier and price.

        Prices are in fen; sort is relevance | sales | price_asc | price_desc | newest.
        Chinese words need no spaces and pinyin works ("苹果手机", "pingguo", "mate60").
        `brand` (repeatable) keeps any of these brands; `spec` (repeatable, "name:value")
        keeps products with all these spec values. `brands` and `specs` count the matches
        per brand (ignoring the brand filter) and per spec value.
        """
        result = await search_products(
            SearchQuery(
                q=q,
                category_id=category,
                supplier_id=supplier,
                min_price=min_price,
                max_price=max_price,
                sort=sort,
                page=page,
                per_page=per_page,
                brands=tuple(brand or ()),
                specs=tuple(spec or ()),
            )
        )
        return ProductPage(
            items=[product_brief(r) for r in result.items],
            page=result.page,
            pages=result.pages,
            total=result.total,
            brands=[BrandFacet(value=b.value, count=b.count) for b in result.brands],
            specs=[SpecFacet(name=s.name, value=s.value, count=s.count) for s in result.specs],
        )

    @get("/products/{product_id:int}", opt=ANYONE)
    async def product(self, product_id: FromPath[int]) -> ProductOut:
        """A listed product with its variants; 404 for anything not listed."""
        return product_out(await listed_product(product_id))

    @get("/shops/{supplier_id:int}", opt=ANYONE)
    async def shop(self, supplier_id: FromPath[int]) -> ShopOut:
        """An active supplier's decorated shop and its listed products."""
        shop = await public_shop(supplier_id)
        return ShopOut(
            id=shop["id"],
            name=shop["name"],
            intro=shop["intro"],
            logo=shop["logo"],
            banner=shop["banner"],
            layout=shop["layout"],
            featured=[product_brief(p | {"supplier_id": supplier_id}) for p in shop["featured"]],
            products=[product_brief(p | {"supplier_id": supplier_id}) for p in shop["products"]],
        )
