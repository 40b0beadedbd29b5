"""Stock as CSV: export a supplier's levels, import counts or changes all-or-nothing.

Import columns (a header row names them, any order, extra columns ignored):
`location_id` or `location` (id or exact name), `sku`, then `on_hand` (the counted figure)
or `delta` (units added, negative to remove), optional `reason` (default `count` for
on_hand, `receive` for a positive delta), `low_stock_threshold` and `note`. Every row is
checked before anything is applied, and all rows apply in one transaction: a file with a
bad row is refused whole, naming each bad line and what is wrong with it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.variant_facts import variants_by_sku
from core.database import write_transaction
from core.errors import DomainError
from locations.adjustments import ADJUST_REASONS, stock_levels
from locations.errors import CsvRejected
from locations.stock import change_on_hand, count_delta, set_threshold
from locations.stock_access import usable_locations

EXPORT_COLUMNS = (
    "location_id",
    "location",
    "sku",
    "product",
    "on_hand",
    "reserved",
    "available",
    "low_stock_threshold",
)
#: Refuse files larger than this many rows: an import is one transaction.
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One checked import row."""

    line: int
    location_id: int
    variant_id: int
    sku: str
    on_hand: int | None
    delta: int | None
    reason: str
    threshold: int | None
    note: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import changed."""

    rows: int
    changed: int


async def export_stock_csv(user: CurrentUser, *, location_id: int | None = None) -> str:
    """The levels `user` may see as CSV text (UTF-8 with BOM, so Excel reads Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for r in await stock_levels(user, location_id=location_id):
        writer.writerow(
            [
                r["location_id"],
                r["location_name"],
                r["sku"],
                r["product_name"],
                r["on_hand"],
                r["reserved"],
                r["available"],
                r["low_stock_threshold"],
            ]
        )
    return "\ufeff" + out.getvalue()


Problem = tuple[str, dict[str, Any]]


def _int(value: str, column: str, problems: list[Problem], *, minimum: int | None = None) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        problems.append(
            ("{column} “{value}” is not a whole number", {"column": column, "value": value})
        )
        return 0
    if minimum is not None and number < minimum:
        problems.append(("{column} cannot be negative", {"column": column}))
    return number


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvRejected("The file is not UTF-8 or GB18030 text")


async def parse_stock_csv(user: CurrentUser, data: bytes | str) -> list[CsvRow]:
    """Check every row of an import file; refuses the whole file naming each bad line."""
    reader = csv.DictReader(io.StringIO(_decode(data)))
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    missing = []
    if not columns & {"location_id", "location"}:
        missing.append("location_id or location")
    if "sku" not in columns:
        missing.append("sku")
    if not columns & {"on_hand", "delta"}:
        missing.append("on_hand or delta")
    if missing:
        raise CsvRejected(
            "The header row lacks the column(s) {columns}", columns=", ".join(missing)
        )
    raw_rows = []
    for row in reader:
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if any(clean.values()):
            raw_rows.append((reader.line_num, clean))
    if not raw_rows:
        raise CsvRejected("The file has no rows after the header")
    if len(raw_rows) > MAX_ROWS:
        raise CsvRejected("At most {n} rows per file", n=MAX_ROWS)

    locations = await usable_locations(user)
    by_id = {str(loc["id"]): loc["id"] for loc in locations}
    by_name = {loc["name"]: loc["id"] for loc in locations}
    variants = await variants_by_sku([r.get("sku", "") for _, r in raw_rows])

    checked: list[CsvRow] = []
    errors: list[tuple[int, str, dict[str, Any]]] = []
    for line, r in raw_rows:
        problems: list[Problem] = []
        place = r.get("location_id") or r.get("location", "")
        location_id = by_id.get(place) or by_name.get(place)
        if not place:
            problems.append(("the location is empty", {}))
        elif location_id is None:
            problems.append(("location “{place}” is unknown or not yours", {"place": place}))
        sku = r.get("sku", "")
        variant = variants.get(sku)
        if not sku:
            problems.append(("the sku is empty", {}))
        elif variant is None or (
            user.role is Role.SUPPLIER and variant.supplier_id != user.supplier_id
        ):
            problems.append(("sku “{sku}” is unknown or not yours", {"sku": sku}))
        on_hand = delta = None
        if r.get("on_hand", ""):
            on_hand = _int(r["on_hand"], "on_hand", problems, minimum=0)
        if r.get("delta", ""):
            delta = _int(r["delta"], "delta", problems)
        if (on_hand is None) == (delta is None):
            problems.append(("give exactly one of on_hand and delta", {}))
        reason = r.get("reason", "") or (
            "count" if on_hand is not None else "receive" if (delta or 0) > 0 else ""
        )
        if reason not in ADJUST_REASONS:
            problems.append(
                (
                    "reason “{reason}” is not one of {reasons}",
                    {"reason": reason, "reasons": ", ".join(ADJUST_REASONS)},
                )
                if reason
                else ("a negative delta needs a reason (damage, loss, count…)", {})
            )
        threshold = None
        if r.get("low_stock_threshold", ""):
            threshold = _int(r["low_stock_threshold"], "low_stock_threshold", problems, minimum=0)
        if problems:
            errors.extend((line, template, params) for template, params in problems)
            continue
        assert location_id is not None and variant is not None
        checked.append(
            CsvRow(
                line, location_id, variant.id, sku, on_hand, delta, reason, threshold,
                r.get("note", "")[:100],
            )
        )  # fmt: skip
    if errors:
        raise _rejected(errors)
    return checked


def _rejected(errors: list[tuple[int, str, dict[str, Any]]]) -> CsvRejected:
    return CsvRejected("The file was not imported; nothing changed.", lines=errors)


async def import_stock_csv(user: CurrentUser, data: bytes | str) -> ImportResult:
    """Apply an import file all-or-nothing; returns how many rows changed stock."""
    rows = await parse_stock_csv(user, data)
    changed = 0
    async with write_transaction():
        for row in rows:
            try:
                changed += await _apply(user, row)
            except DomainError as error:
                raise _rejected([(row.line, error.message, error.params)]) from error
    return ImportResult(rows=len(rows), changed=changed)


async def _apply(user: CurrentUser, row: CsvRow) -> int:
    if row.threshold is not None:
        await set_threshold(row.location_id, row.variant_id, row.threshold)
    delta = row.delta
    if row.on_hand is not None:
        delta = await count_delta(row.location_id, row.variant_id, row.on_hand)
    if not delta:
        return 0
    await change_on_hand(
        location_id=row.location_id,
        variant_id=row.variant_id,
        delta=delta,
        reason=row.reason,
        reference=row.note or "csv import",
        actor_id=user.id,
        sku=row.sku,
    )
    return 1
