"""Refuses addresses no route can serve safely: NUL characters and out-of-range numbers.

PostgreSQL refuses text with NUL characters and SQLite cannot store integers above
2^63-1; both would surface as a 500 deep inside a query. Checking the path and the query
string once, before any route, answers 400 naming the parameter instead, whatever the route.
(Bodies are checked by the bounded types of `core.types`.)
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

from litestar.types import ASGIApp, Receive, Scope, Send

from core.types import MAX_INT64
from server.security.api_guard import refuse_with_json

#: A whole number as routes read one: ASCII digits only (`"³".isdigit()` is true, and
#: `int("³")` fails), one optional sign.
_WHOLE_NUMBER = re.compile(r"[+-]?0*([0-9]+)", re.ASCII)


def _problem(name: str, value: str) -> str | None:
    if "\x00" in value:
        return f"{name} contains a NUL character"
    number = _WHOLE_NUMBER.fullmatch(value.strip())
    # Length first: Python refuses to read integers of more than 4,300 digits.
    if number and (len(number[1]) > 19 or int(number[1]) > MAX_INT64):
        return f"{name} is out of range (at most {MAX_INT64})"
    return None


def input_problem(scope: Scope) -> str | None:
    """What is wrong with the request's path or query string, or None."""
    raw_path = scope.get("raw_path") or scope["path"].encode()
    path = unquote(raw_path.decode("latin-1"))
    for segment in path.split("/"):
        if problem := _problem("The address", segment):
            return problem
    query = scope.get("query_string", b"").decode("latin-1")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict", max_num_fields=200)
    except ValueError:
        return "The query string is not valid"
    for name, value in pairs:
        if problem := _problem(name, name) or _problem(name, value):
            return problem
    return None


class InputGuard:
    """ASGI middleware answering 400 for NUL characters and numbers beyond 64 bits."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 400 naming what is wrong."""
        if scope["type"] == "http" and (problem := input_problem(scope)):
            await refuse_with_json(send, 400, problem)
            return
        await self.app(scope, receive, send)
