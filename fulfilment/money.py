"""What the consumer paid for a part of an order: the one rule settlement and refunds use.

`line_paid` is the amount of one order line after its discounts; every sum of "what was
paid for these goods" (cash due on delivery, a supplier's sales in a statement) is a sum
of it, so a new kind of discount changes this one function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def line_paid(line: Mapping[str, Any]) -> int:
    """Fen paid for one order line (a row of `OrderLine`): units times price, less discount."""
    return max(0, line["unit_price"] * line["quantity"] - line["discount"])


def lines_paid(lines: Iterable[Mapping[str, Any]]) -> int:
    """Fen paid for these order lines together."""
    return sum(line_paid(line) for line in lines)
