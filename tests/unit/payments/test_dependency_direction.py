"""Payments sits below orders: fulfilment calls payments, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

PAYMENTS = Path(__file__).resolve().parents[3] / "payments"
FORBIDDEN = ("fulfilment", "storefront", "store_pos", "backoffice", "server.app", "server.cli")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_payments_never_imports_orders_pages_or_the_app() -> None:
    offending = sorted(
        f"{path.relative_to(PAYMENTS.parent)} imports {module}"
        for path in PAYMENTS.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN or module in FORBIDDEN
    )
    assert offending == []
    assert list(PAYMENTS.rglob("*.py")), "the payments package was not found"
