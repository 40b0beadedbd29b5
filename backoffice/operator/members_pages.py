"""Operator page of member levels: one line per level, "中文名, English name, yuan"."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from litestar import Controller, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.access import OPERATORS
from core.errors import DomainError, InvalidInput
from core.types import MAX_MONEY_FEN, LongText, parse_decimal
from members.levels import LevelInput, all_levels, set_levels


class LevelsForm(msgspec.Struct):
    """The levels typed one per line."""

    levels: LongText = ""


def parse_levels(text: str) -> list[LevelInput]:
    """Lines of "中文名, English name, threshold in yuan" → levels (400 naming the field)."""
    parsed = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if len(parts) != 3:
            raise InvalidInput("levels: each line is 中文名, English name, yuan")
        yuan = parse_decimal(parts[2], "levels", places=2, high=Decimal(MAX_MONEY_FEN) / 100)
        parsed.append(LevelInput(parts[0], parts[1], int(yuan * 100)))
    return parsed


class OperatorMembersPages(Controller):
    """`/operator/member-levels`."""

    include_in_schema = False

    @get("/operator/member-levels", opt=OPERATORS)
    async def levels_page(self) -> Template:
        """The levels, editable as text."""
        return Template(
            "backoffice/operator_member_levels.html",
            context={"levels": await all_levels(), "error": None, "text": None},
        )

    @post("/operator/member-levels", opt=OPERATORS)
    async def save(self, data: URLEncodedBody[LevelsForm]) -> Template | Redirect:
        """Save the levels; a mistake shows the form again with the message."""
        try:
            await set_levels(parse_levels(data.levels))
        except DomainError as error:
            return Template(
                "backoffice/operator_member_levels.html",
                context={
                    "levels": await all_levels(),
                    "error": error.localized(),
                    "text": data.levels,
                },
                status_code=error.status_code,
            )
        return Redirect("/operator/member-levels", status_code=HTTP_303_SEE_OTHER)
