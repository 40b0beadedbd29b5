"""Search helpers as JSON: `/api/search/suggestions?q=` and `/api/search/recent` (GET, DELETE)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get
from litestar.params import FromQuery
from litestar.status_codes import HTTP_200_OK

from accounts.access import ANYONE
from catalog.suggestions import suggestions
from storefront.search_history import forget_searches, recent_searches


class SuggestionOut(msgspec.Struct):
    """A product or category whose name contains the typed text."""

    kind: str
    text: str
    text_en: str
    url: str


class RecentOut(msgspec.Struct):
    """This visitor's recent searches, newest first."""

    items: list[str]


class SearchHelpApi(Controller):
    """What the search box offers while typing."""

    path = "/api/search"
    tags = ["search"]

    @get("/suggestions", opt=ANYONE)
    async def suggest(self, q: FromQuery[str] = "") -> list[SuggestionOut]:
        """Up to 8 categories and products whose names start with or contain `q` (cut to 50)."""
        found = await suggestions(q)
        return msgspec.convert(found, list[SuggestionOut], from_attributes=True)

    @get("/recent", opt=ANYONE)
    async def recent(self, request: Request[Any, Any, Any]) -> RecentOut:
        """What this visitor (session) searched for lately."""
        return RecentOut(recent_searches(request))

    @delete("/recent", opt=ANYONE, status_code=HTTP_200_OK)
    async def clear(self, request: Request[Any, Any, Any]) -> RecentOut:
        """Forget this visitor's recent searches."""
        forget_searches(request)
        return RecentOut([])
