"""Errors of the locations domain."""

from typing import Any

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class LocationNotFound(NotFound):
    """No location with that id."""

    code = "location_not_found"


class InvalidLocation(InvalidInput):
    """A location's fields break a rule (kind, coordinates, opening hours)."""

    code = "invalid_location"


class InsufficientStock(Conflict):
    """Fewer units can be had than asked for; `extra["lines"]` says which and how many."""

    code = "out_of_stock"


class AddressNotFound(InvalidInput):
    """The geocoder could not place an address."""

    code = "address_not_found"


class StockAccessDenied(PermissionDenied):
    """A supplier asked for stock of a variant or location that is not theirs."""

    code = "stock_forbidden"


class InvalidStockChange(InvalidInput):
    """A stock change breaks a rule (below reserved, more than available, bad reason)."""

    code = "invalid_stock_change"


class TransferNotFound(NotFound):
    """No transfer with that id (or not visible to this person)."""

    code = "transfer_not_found"


class CsvRejected(InvalidInput):
    """A stock CSV file has bad rows; `extra["errors"]` names each line and its problem."""

    code = "csv_rejected"

    def __init__(
        self,
        message: str,
        /,
        *,
        lines: list[tuple[int, str, dict[str, Any]]] | None = None,
        **params: Any,
    ) -> None:
        """Refuse a file; `lines` are (line number, problem template, its params)."""
        super().__init__(message, **params)
        self.lines = lines or []
        self.extra["errors"] = [
            {"line": n, "problem": template.format(**p)} for n, template, p in self.lines
        ]
        english = " ".join(f"Line {e['line']}: {e['problem']}" for e in self.extra["errors"])
        self.args = (f"{self.args[0]} {english}".strip(),)

    def localized(self) -> str:
        """The message, then each bad line and its problem, in the visitor's language."""
        parts = [super().localized()]
        for n, template, p in self.lines[:20]:
            problem = InvalidInput(template, **p).localized()
            line = InvalidInput("Line {line}: {problem}", line=n, problem=problem)
            parts.append(line.localized())
        if len(self.lines) > 20:
            parts.append(InvalidInput("…and {n} more", n=len(self.lines) - 20).localized())
        return " ".join(parts)


class LocationAccessDenied(PermissionDenied):
    """A supplier asked to change a location that is not its own."""

    code = "location_forbidden"
