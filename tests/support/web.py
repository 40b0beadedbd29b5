"""Helpers for page tests: CSRF tokens and form posts as a browser makes them."""

from __future__ import annotations

import re

from httpx import AsyncClient, Response

_CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf_token(client: AsyncClient, page: str = "/login") -> str:
    """Open a page as a browser would and read the CSRF token of its forms."""
    response = await client.get(page)
    found = _CSRF_INPUT.search(response.text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)


async def submit_form(
    client: AsyncClient, action: str, fields: dict[str, str], *, page: str | None = None
) -> Response:
    """Post a form from `page` (default: the action itself) with its CSRF token."""
    token = await csrf_token(client, page or action)
    return await client.post(action, data={**fields, "_csrf_token": token})
