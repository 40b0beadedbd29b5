"""Recommendations JSON API: `GET /api/recommendations`."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromQuery

from accounts.access import ANYONE, Viewer
from analytics.recommend import Slot, for_page
from core.types import Id
from storefront.recommendation_pages import page_products
from storefront.shopper import shopper_of


class RecommendedOut(msgspec.Struct):
    """A recommended product: follow `url` so the click is counted."""

    id: int
    name: str
    image: str
    price_from: int
    url: str


class RecListOut(msgspec.Struct):
    """One list: bought_together | recently_viewed | you_may_like."""

    kind: str
    items: list[RecommendedOut]


class RecommendationsOut(msgspec.Struct):
    """The lists of a page (home, product, cart)."""

    page: str
    lists: list[RecListOut]


class RecommendationApi(Controller):
    """Recommendations for the shopper (account or guest cart)."""

    path = "/api/recommendations"
    tags = ["recommendations"]

    @get("/", opt=ANYONE)
    async def recommendations(
        self,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        page: FromQuery[Slot] = Slot.HOME,
        product_id: FromQuery[Id | None] = None,
    ) -> RecommendationsOut:
        """Lists for a page; `product_id` names the product of a product page."""
        products = await page_products(page, product_id, request)
        lists = await for_page(page, shopper_of(viewer, request), product_ids=products)
        return RecommendationsOut(
            page=page.value,
            lists=[
                RecListOut(
                    kind=rec.kind.value,
                    items=[
                        RecommendedOut(
                            id=item["id"],
                            name=item["name"],
                            image=item["image"],
                            price_from=item["price_from"],
                            url=f"/rec/{page.value}/{rec.kind.value}/{item['id']}",
                        )
                        for item in rec.items
                    ],
                )
                for rec in lists
            ],
        )
