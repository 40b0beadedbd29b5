"""Translations: English source strings, Chinese (zh-CN, the default) from JSON catalogues.

Each package that shows text keeps `locale/zh_CN.json` (English → Chinese), optionally split
into `locale/<topic>.zh_CN.json` files; this module merges them. Codes shown to people
(statuses, event kinds: `allocated`, `pending_payment`) also get English words from
`locale/<topic>.en.json`, so an English page never shows a raw code. The current language lives
in a context variable set per request by `LocaleMiddleware`, so templates, error handlers and
pages all agree.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from core.apps import PACKAGES

ROOT = Path(__file__).resolve().parent.parent
LOCALE_COOKIE = "kuaiqu_lang"

current_locale: ContextVar[str] = ContextVar("current_locale", default="zh-CN")


@lru_cache(maxsize=1)
def zh_catalogue() -> dict[str, str]:
    """English → Chinese for every package, merged."""
    merged: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package / "locale").glob("*zh_CN.json")):
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@lru_cache(maxsize=1)
def en_catalogue() -> dict[str, str]:
    """Code → English words (`pending_payment` → "Awaiting payment") for every package."""
    merged: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package / "locale").glob("*.en.json")):
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def gettext(message: str) -> str:
    """`message` in the current language (English source when no translation exists)."""
    if current_locale.get() == "zh-CN":
        return zh_catalogue().get(message, message)
    return en_catalogue().get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware gettext (Chinese has one form)."""
    return gettext(singular if n == 1 else plural)


def pick_locale(cookie_value: str | None, default: str) -> str:
    """The visitor's language: their explicit choice, else the platform default."""
    return cookie_value if cookie_value in ("zh-CN", "en") else default
