"""Consumer pages: the home page."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from accounts.access import ANYONE
from catalog.categories import category_tree
from catalog.products import listed_products


class StorefrontPages(Controller):
    """HTML pages for consumers."""

    include_in_schema = False

    @get("/", opt=ANYONE)
    async def home(self) -> Template:
        """Categories and the newest listed products."""
        return Template(
            "storefront/home.html",
            context={"categories": await category_tree(), "products": await listed_products(24)},
        )
