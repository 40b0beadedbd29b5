"""Search suggestions as the consumer types: product and category names containing the text.

Kept simple on purpose (keyword search proper lives in `catalog.search`): names that start
with the typed text come first, then names that contain it, shorter names before longer
ones. Only what consumers may see is suggested (`catalog.listings.visible_to_consumers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from catalog.listings import visible_to_consumers
from catalog.products import normalise_text
from catalog.tables import Category, Product

#: Most suggestions given for one text.
LIMIT = 8
#: Longest text looked up (longer input is cut, not refused: people keep typing).
MAX_TEXT = 50
#: Product rows read before ranking (the LIKE filter may let a few extra through).
SCAN = 60


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggestion: a product or a category, its name in both languages, where it leads."""

    kind: str
    text: str
    text_en: str
    url: str


def _rank(name: str, name_en: str, wanted: str) -> tuple[int, int] | None:
    """(0 prefix | 1 substring, length) when either name contains `wanted`, else None."""
    best: tuple[int, int] | None = None
    for text in (name, name_en):
        folded = normalise_text(text)
        if not folded or wanted not in folded:
            continue
        rank = (0 if folded.startswith(wanted) else 1, len(folded))
        best = rank if best is None else min(best, rank)
    return best


def _like(text: str) -> str:
    # SQLite has no default LIKE escape: `%` and `_` stay wildcards and the exact
    # substring test in `_rank` drops what they let through.
    return "%" + text.replace("\\", "_") + "%"


async def suggestions(text: str, *, limit: int = LIMIT) -> list[Suggestion]:
    """What to offer under the search box for `text` (nothing for blank text)."""
    wanted = normalise_text(text[:MAX_TEXT])
    if not wanted:
        return []
    ranked: list[tuple[tuple[int, int], int, Suggestion]] = []
    categories = await Category.select(Category.slug, Category.name_zh, Category.name_en)
    for row in categories:
        rank = _rank(row["name_zh"], row["name_en"], wanted)
        if rank is not None:
            url = f"/categories/{quote(row['slug'])}"
            ranked.append((rank, 0, Suggestion("category", row["name_zh"], row["name_en"], url)))
    products = (
        await Product.select(Product.id, Product.name, Product.name_en)
        .where(visible_to_consumers())
        .where(Product.search_text.like(_like(wanted)))
        .limit(SCAN)
    )
    for row in products:
        rank = _rank(row["name"], row["name_en"], wanted)
        if rank is not None:
            suggestion = Suggestion(
                "product", row["name"], row["name_en"], f"/products/{row['id']}"
            )
            ranked.append((rank, 1, suggestion))
    ranked.sort(key=lambda item: (item[0], item[1], item[2].text))
    seen: set[tuple[str, str]] = set()
    found: list[Suggestion] = []
    for _rank_key, _kind, suggestion in ranked:
        key = (suggestion.kind, suggestion.text)
        if key not in seen:
            seen.add(key)
            found.append(suggestion)
    return found[:limit]
