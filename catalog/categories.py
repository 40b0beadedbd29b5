"""The category tree the operator manages."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.errors import CategoryInUse, CategoryNotFound
from catalog.search_index import mark_category_stale
from catalog.tables import Category, Product
from core.database import write_transaction
from core.errors import Conflict, InvalidInput


@dataclass(frozen=True, slots=True)
class CategoryNode:
    """A category with its children, for menus and the category API."""

    id: int
    slug: str
    name_zh: str
    name_en: str
    parent_id: int | None
    children: list[CategoryNode]
    position: int = 0


async def create_category(
    *, slug: str, name_zh: str, name_en: str, parent_id: int | None = None, position: int = 0
) -> int:
    """Add a category (under `parent_id`, or at the top); returns its id."""
    slug = slug.strip().lower()
    if not slug or not name_zh.strip():
        raise InvalidInput("A category needs a slug and a Chinese name")
    async with write_transaction():
        if await Category.exists().where(Category.slug == slug):
            raise Conflict("The category slug {slug} is taken", slug=slug)
        if parent_id is not None and not await Category.exists().where(Category.id == parent_id):
            raise CategoryNotFound("No category {id}", id=parent_id)
        row = await Category.insert(
            Category(
                slug=slug,
                name_zh=name_zh.strip(),
                name_en=name_en.strip(),
                parent=parent_id,
                position=position,
            )
        ).returning(Category.id)
    return row[0]["id"]


async def category_tree() -> list[CategoryNode]:
    """All categories as a forest, ordered by position then name."""
    rows = await Category.select().order_by(Category.position).order_by(Category.id)
    nodes = {
        r["id"]: CategoryNode(
            r["id"], r["slug"], r["name_zh"], r["name_en"], r["parent"], [], r["position"]
        )
        for r in rows
    }
    roots: list[CategoryNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


async def descendant_ids(category_id: int) -> list[int]:
    """The category and every category below it."""
    rows = await Category.select(Category.id, Category.parent)
    children: dict[int | None, list[int]] = {}
    for r in rows:
        children.setdefault(r["parent"], []).append(r["id"])
    found, stack = [], [category_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


async def _get(category_id: int) -> dict:
    row = await Category.select().where(Category.id == category_id).first()
    if row is None:
        raise CategoryNotFound("No category {id}", id=category_id)
    return row


async def category_by_slug(slug: str) -> dict:
    """A category by its slug, for category pages."""
    row = await Category.select().where(Category.slug == slug.lower()).first()
    if row is None:
        raise CategoryNotFound("No category {id}", id=slug)
    return row


async def update_category(
    category_id: int,
    *,
    name_zh: str | None = None,
    name_en: str | None = None,
    move: bool = False,
    parent_id: int | None = None,
    position: int | None = None,
) -> None:
    """Rename, reorder, or (with `move`) put a category under `parent_id` (None: the top)."""
    async with write_transaction():
        await _get(category_id)
        values: dict = {}
        if name_zh is not None:
            if not name_zh.strip():
                raise InvalidInput("A category needs a slug and a Chinese name")
            values[Category.name_zh] = name_zh.strip()
        if name_en is not None:
            values[Category.name_en] = name_en.strip()
        if position is not None:
            values[Category.position] = position
        if move:
            if parent_id is not None:
                await _get(parent_id)
                if parent_id in await descendant_ids(category_id):
                    raise InvalidInput("A category cannot move under itself or its children")
            values[Category.parent] = parent_id
        if values:
            await Category.update(values).where(Category.id == category_id)
            if name_zh is not None or name_en is not None or move:
                await mark_category_stale(await descendant_ids(category_id))


async def delete_category(category_id: int) -> None:
    """Delete an empty category; refuse one with products or sub-categories."""
    async with write_transaction():
        await _get(category_id)
        if await Product.exists().where(Product.category == category_id):
            raise CategoryInUse("This category still has products; move them first")
        if await Category.exists().where(Category.parent == category_id):
            raise CategoryInUse("This category still has sub-categories; move them first")
        await Category.delete().where(Category.id == category_id)


async def get_category(category_id: int) -> dict:
    """One category row; raises CategoryNotFound."""
    return await _get(category_id)
