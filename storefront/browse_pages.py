"""Category browsing: `/categories`, top-level categories beside the chosen one's children."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from accounts.access import ANYONE
from catalog.categories import category_tree


class BrowsePages(Controller):
    """The 分类 tab: top-level categories on the left, sub-categories of one on the right."""

    include_in_schema = False

    @get("/categories", opt=ANYONE)
    async def categories(self, c: FromQuery[str] = "") -> Template:
        """Every top-level category; `?c=<slug>` picks whose sub-categories are shown."""
        roots = await category_tree()
        chosen = next((node for node in roots if node.slug == c), roots[0] if roots else None)
        return Template("storefront/categories.html", context={"roots": roots, "chosen": chosen})
