"""Errors of the settlement domain."""

from core.errors import Conflict, InvalidInput, NotFound


class InvalidSettlement(InvalidInput):
    """A settlement request that cannot be right (an amount, a period, a rate)."""

    code = "invalid_settlement"


class SettlementConflict(Conflict):
    """The step does not fit the current state (nothing to settle, not enough deposit)."""

    code = "settlement_conflict"


class StatementNotFound(NotFound):
    """No statement with that id visible to the caller."""

    code = "statement_not_found"
