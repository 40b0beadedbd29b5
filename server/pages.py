"""Small pages of the server itself: the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from accounts.access import ANYONE
from core.settings import SUPPORTED_LOCALES
from server.auth.pages import safe_next
from server.locale_middleware import locale_cookie


@get("/lang/{locale:str}", opt=ANYONE, include_in_schema=False)
async def switch_language(request: Request[Any, Any, Any], locale: FromPath[str]) -> Redirect:
    """Remember the chosen language and go back to the page the visitor was on."""
    if locale not in SUPPORTED_LOCALES:
        raise NotFoundException(f"No such language: {locale}")
    back = request.query_params.get("next") or "/"
    return Redirect(safe_next(back), cookies=[locale_cookie(locale)])
