"""Consumer JSON API: browsing the catalog."""

from __future__ import annotations

import msgspec
from litestar import Controller, get

from catalog.categories import CategoryNode, category_tree
from server.auth.guards import public


class CategoryOut(msgspec.Struct):
    """A category with its children."""

    id: int
    slug: str
    name_zh: str
    name_en: str
    parent_id: int | None
    children: list[CategoryOut]


def category_out(node: CategoryNode) -> CategoryOut:
    """A category tree node as JSON."""
    return CategoryOut(
        id=node.id,
        slug=node.slug,
        name_zh=node.name_zh,
        name_en=node.name_en,
        parent_id=node.parent_id,
        children=[category_out(child) for child in node.children],
    )


class StorefrontApi(Controller):
    """`/api/categories` and, with later issues, products and availability."""

    path = "/api"
    tags = ["storefront"]

    @get("/categories", opt=public())
    async def categories(self) -> list[CategoryOut]:
        """The category tree, top-level categories first."""
        return [category_out(node) for node in await category_tree()]
