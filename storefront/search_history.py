"""Recent searches of this visitor, kept in their session (guests and consumers alike)."""

from __future__ import annotations

from typing import Any

from litestar import Request

#: Session key holding the recent searches, newest first.
RECENT_KEY = "recent_searches"
#: How many are kept.
KEEP = 10
#: Longest text kept (a search box, not an essay).
MAX_TEXT = 50


def _session(request: Request[Any, Any, Any]) -> dict[str, Any]:
    session = request.scope.get("session")
    return session if isinstance(session, dict) else {}


def recent_searches(request: Request[Any, Any, Any]) -> list[str]:
    """What this visitor searched for lately, newest first."""
    found = _session(request).get(RECENT_KEY)
    return [str(text) for text in found][:KEEP] if isinstance(found, list) else []


def remember_search(request: Request[Any, Any, Any], text: str) -> None:
    """Put a search at the top of the list (once; blank text is not kept)."""
    text = " ".join(text.split())[:MAX_TEXT]
    if not text:
        return
    before = recent_searches(request)
    if before[:1] == [text]:
        return  # paging or sorting the same search writes nothing
    kept = [text, *(t for t in before if t != text)][:KEEP]
    request.set_session({**_session(request), RECENT_KEY: kept})


def forget_searches(request: Request[Any, Any, Any]) -> None:
    """Clear the list."""
    session = _session(request)
    if RECENT_KEY in session:
        request.set_session({k: v for k, v in session.items() if k != RECENT_KEY})
