"""Errors of the locations domain."""

from server.errors import Conflict, InvalidInput, NotFound


class LocationNotFound(NotFound):
    """No location with that id."""

    code = "location_not_found"


class InvalidLocation(InvalidInput):
    """A location's fields break a rule (kind, coordinates, opening hours)."""

    code = "invalid_location"


class InsufficientStock(Conflict):
    """Fewer units can be had than asked for; `extra["lines"]` says which and how many."""

    code = "out_of_stock"
