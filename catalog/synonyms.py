"""Search synonyms the operator edits: groups of words that find the same goods.

A group such as "苹果, apple, iphone" makes a query for any of them also match the others.
Terms are stored normalised (lower-case, half-width, no spaces), so they compare with the
index's terms directly. The search reads the groups on every query (a small table), so an
edit applies at once in every process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from catalog.catalog_cache import cached
from catalog.errors import SynonymGroupNotFound
from catalog.search_analysis import normalise_text
from catalog.tables import SynonymGroup
from core.database import serialise_on, write_transaction
from core.errors import InvalidInput

#: Most terms in one group, most groups in all, longest term.
MAX_TERMS = 20
MAX_GROUPS = 2_000
MAX_TERM = 64

_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True, slots=True)
class SynonymGroupView:
    """One group as the operator sees it."""

    id: int
    terms: list[str]
    updated_at: datetime


def parse_terms(raw: str | list[str]) -> list[str]:
    """Normalised distinct terms of a group, typed as "a, b, c" or given as a list.

    Refuses (400, field "terms") fewer than two distinct terms, more than `MAX_TERMS`,
    or a term longer than `MAX_TERM` characters.
    """
    items = _SEPARATORS.split(raw) if isinstance(raw, str) else raw
    terms = list(dict.fromkeys(t for t in (normalise_text(i).replace(" ", "") for i in items) if t))
    if len(terms) < 2:
        raise InvalidInput("terms: a synonym group needs at least two different words")
    if len(terms) > MAX_TERMS:
        raise InvalidInput("terms: at most {n} words in a group", n=MAX_TERMS)
    for term in terms:
        if len(term) > MAX_TERM:
            raise InvalidInput("terms: a word may have at most {n} characters", n=MAX_TERM)
    return terms


def _view(row: dict) -> SynonymGroupView:
    return SynonymGroupView(
        id=row["id"], terms=[t for t in row["terms"].split(",") if t], updated_at=row["updated_at"]
    )


async def synonym_groups() -> list[SynonymGroupView]:
    """Every group, oldest first."""
    rows = await SynonymGroup.select().order_by(SynonymGroup.id)
    return [_view(r) for r in rows]


async def add_group(raw: str | list[str]) -> SynonymGroupView:
    """Create a group; returns it."""
    terms = parse_terms(raw)
    async with write_transaction():
        await serialise_on("synonym-groups")
        if await SynonymGroup.count() >= MAX_GROUPS:
            raise InvalidInput("terms: at most {n} synonym groups", n=MAX_GROUPS)
        row = await SynonymGroup.insert(
            SynonymGroup(terms=",".join(terms), updated_at=datetime.now(UTC))
        ).returning(SynonymGroup.id)
    return await synonym_group(row[0]["id"])


async def synonym_group(group_id: int) -> SynonymGroupView:
    """One group; 404 when there is none."""
    row = await SynonymGroup.select().where(SynonymGroup.id == group_id).first()
    if row is None:
        raise SynonymGroupNotFound("No synonym group {id}", id=group_id)
    return _view(row)


async def update_group(group_id: int, raw: str | list[str]) -> SynonymGroupView:
    """Replace a group's terms; returns it."""
    terms = parse_terms(raw)
    async with write_transaction():
        await synonym_group(group_id)
        await SynonymGroup.update(
            {SynonymGroup.terms: ",".join(terms), SynonymGroup.updated_at: datetime.now(UTC)}
        ).where(SynonymGroup.id == group_id)
    return await synonym_group(group_id)


async def delete_group(group_id: int) -> None:
    """Remove a group; 404 when there is none."""
    async with write_transaction():
        await synonym_group(group_id)
        await SynonymGroup.delete().where(SynonymGroup.id == group_id)


async def synonym_map() -> dict[str, list[str]]:
    """Each term → the other terms of its groups (all groups merged), for the search.

    Read once per catalog version: an edit of a group bumps it (`TracksCatalogChanges`).
    """
    return await cached("synonym_map", _synonym_map)


async def _synonym_map() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in await SynonymGroup.select(SynonymGroup.terms).order_by(SynonymGroup.id):
        terms = [t for t in row["terms"].split(",") if t]
        for term in terms:
            others = found.setdefault(term, [])
            others.extend(t for t in terms if t != term and t not in others)
    return found


#: Groups the demo starts with (the operator edits them at /operator/search/synonyms).
DEMO_SYNONYMS = (
    "苹果, apple, iphone",
    "手机, 电话, phone, smartphone",
    "华为, huawei",
    "小米, xiaomi, mi",
    "笔记本, 笔记本电脑, 电脑, laptop, notebook",
    "耳机, 耳麦, headphones, earbuds",
    "充电宝, 移动电源, powerbank",
    "牛奶, 奶, milk",
    "酸奶, 酸牛奶, yogurt",
    "可乐, cola, 可口可乐",
    "纸巾, 抽纸, 面巾纸",
    "运动鞋, 跑鞋, 跑步鞋",
)
