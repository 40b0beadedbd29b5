"""Operator JSON API: the search synonym groups (`/api/operator/search/synonyms`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts.access import OPERATORS
from catalog import synonyms
from core.types import Id, ShortText

#: Words of one group as sent: 2 to 20, each at most 64 characters once normalised.
Terms = Annotated[list[ShortText], msgspec.Meta(min_length=1, max_length=synonyms.MAX_TERMS)]


class SynonymGroupIn(msgspec.Struct, forbid_unknown_fields=True):
    """The words of a group, e.g. ["苹果", "apple", "iphone"]."""

    terms: Terms


class SynonymGroupOut(msgspec.Struct):
    """A group as stored: normalised words (lower-case, half-width, no spaces)."""

    id: int
    terms: list[str]
    updated_at: datetime


def _out(view: synonyms.SynonymGroupView) -> SynonymGroupOut:
    return msgspec.convert(view, SynonymGroupOut, from_attributes=True)


class OperatorSearchApi(Controller):
    """Synonym groups the search expands queries with; an edit applies at once."""

    path = "/api/operator/search/synonyms"
    tags = ["operator"]

    @get("/", opt=OPERATORS)
    async def list_groups(self) -> list[SynonymGroupOut]:
        """Every group, oldest first."""
        return [_out(g) for g in await synonyms.synonym_groups()]

    @post("/", opt=OPERATORS, status_code=HTTP_201_CREATED)
    async def create_group(self, data: JSONBody[SynonymGroupIn]) -> SynonymGroupOut:
        """Add a group (400 naming `terms` with fewer than two different words)."""
        return _out(await synonyms.add_group(list(data.terms)))

    @put("/{group_id:int}", opt=OPERATORS)
    async def update_group(
        self, group_id: FromPath[Id], data: JSONBody[SynonymGroupIn]
    ) -> SynonymGroupOut:
        """Replace a group's words."""
        return _out(await synonyms.update_group(group_id, list(data.terms)))

    @delete("/{group_id:int}", opt=OPERATORS, status_code=HTTP_204_NO_CONTENT)
    async def delete_group(self, group_id: FromPath[Id]) -> None:
        """Remove a group."""
        await synonyms.delete_group(group_id)
