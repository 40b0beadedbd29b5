"""The consumer's own data (PIPL): export as JSON or a readable page, and erasure.

The rules live in `accounts.personal_data`; erasing ends the session too.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, URLEncodedBody
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK, HTTP_303_SEE_OTHER

from accounts.access import CONSUMERS, Me
from accounts.personal_data import erase_person, export_person
from core.errors import InvalidInput
from server.auth.api import log_out


class EraseIn(msgspec.Struct):
    """Erasure must be confirmed."""

    confirm: bool = False


class EraseForm(msgspec.Struct):
    """The erase form's confirmation box."""

    confirm: str = ""


class PrivacyApi(Controller):
    """`/api/me/data`: everything held about the signed-in consumer; erasure."""

    path = "/api/me/data"
    tags = ["privacy"]

    @get("/", opt=CONSUMERS)
    async def export(self, me: Me) -> dict[str, list[dict[str, Any]]]:
        """Every row held about the consumer, table by table."""
        return await export_person(me.id)

    @post("/erase", opt=CONSUMERS, status_code=HTTP_200_OK)
    async def erase(
        self, me: Me, request: Request[Any, Any, Any], data: JSONBody[EraseIn]
    ) -> dict[str, int]:
        """Erase the consumer's data (orders stay, anonymised); the session ends."""
        if not data.confirm:
            raise InvalidInput("confirm: set it to true to erase your data")
        changed = await erase_person(me.id)
        await log_out(request)
        return changed


class PrivacyPages(Controller):
    """`/account/data`: the readable export, a JSON download and the erase form."""

    include_in_schema = False

    @get("/account/data", opt=CONSUMERS)
    async def page(self, me: Me) -> Template:
        """Everything held about the consumer, one table per kind of record."""
        return Template("server/my_data.html", context={"data": await export_person(me.id)})

    @get("/account/data.json", opt=CONSUMERS)
    async def download(self, me: Me) -> Response[bytes]:
        """The export as a JSON file."""
        body = msgspec.json.encode(await export_person(me.id))
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="kuaiqu-my-data.json"'},
        )

    @post("/account/data/erase", opt=CONSUMERS)
    async def erase(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[EraseForm]
    ) -> Redirect:
        """Erase after the box was ticked; then the session ends."""
        if data.confirm != "yes":
            raise InvalidInput("confirm: tick the box to erase your data")
        await erase_person(me.id)
        await log_out(request)
        return Redirect("/", status_code=HTTP_303_SEE_OTHER)
