"""Dashboard tables as CSV text: UTF-8 with BOM (Excel reads Chinese), formulas defused."""

from __future__ import annotations

import csv
import io
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a name like "=HYPERLINK(…)" stays text in a spreadsheet
    return value


def rows_to_csv(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """The rows as CSV, one column per key (of the first row unless `columns` is given)."""
    columns = columns or (list(rows[0]) if rows else [])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column, "")) for column in columns])
    return out.getvalue()
