"""The page packages follow one convention (docs/architecture.md, "Layers").

Controllers live in `<topic>_api.py` (JSON) or `<topic>_pages.py` (HTML); handlers get the
caller as the `me` / `viewer` dependency instead of reading it off the request; who may call a
route is one of the rules in `accounts.access`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE_PACKAGES = ("storefront", "store_pos", "backoffice")
#: Reads the account or the guest session to pick a cart; not a route handler.
READS_USER_FOR_SESSION = {"storefront/cart_session.py"}
ROUTE = re.compile(r"^\s*@(get|post|put|patch|delete|websocket)\(|\(Controller\):", re.M)


def page_modules() -> list[tuple[str, str]]:
    return [
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
        for package in PAGE_PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
    ]


def test_controllers_live_in_api_or_pages_modules() -> None:
    misplaced = [
        path
        for path, source in page_modules()
        if ROUTE.search(source) and not path.endswith(("_api.py", "_pages.py"))
    ]
    assert misplaced == []


def test_handlers_take_the_caller_as_a_dependency() -> None:
    reads_user = [
        path
        for path, source in page_modules()
        if path not in READS_USER_FOR_SESSION
        and re.search(r"\bcurrent_user\(|scope(\.get\(|\[)[\"']user|assert \w+ is not None", source)
    ]
    assert reads_user == []


def test_route_rules_come_from_accounts_access() -> None:
    local_rules = [
        path
        for path, source in page_modules()
        if re.search(r"\broles\(|\blogged_in\(\)|\bpublic\(\)", source)
    ]
    assert local_rules == []
