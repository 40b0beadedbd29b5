"""Operator JSON API of member levels: the spend thresholds of each level."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody

from accounts.access import OPERATORS
from core.types import Money, ShortText
from members.levels import LevelInput, all_levels, set_levels


class LevelIn(msgspec.Struct):
    """A level: names and the spend (fen, over the rolling 365 days) that reaches it."""

    name_zh: ShortText
    name_en: ShortText
    min_spend: Money


class LevelOut(msgspec.Struct):
    """A stored level."""

    id: int
    name_zh: str
    name_en: str
    min_spend: int


class OperatorMembersApi(Controller):
    """`/api/operator/member-levels`: read and replace the level thresholds."""

    path = "/api/operator/member-levels"
    tags = ["members"]

    @get("/", opt=OPERATORS)
    async def levels(self) -> list[LevelOut]:
        """Every level, lowest threshold first."""
        return msgspec.convert(await all_levels(), list[LevelOut], from_attributes=True)

    @put("/", opt=OPERATORS)
    async def replace(
        self, data: JSONBody[Annotated[list[LevelIn], msgspec.Meta(max_length=10)]]
    ) -> list[LevelOut]:
        """Replace every level (members' levels follow on their next points change)."""
        saved = await set_levels([LevelInput(x.name_zh, x.name_en, x.min_spend) for x in data])
        return msgspec.convert(saved, list[LevelOut], from_attributes=True)
