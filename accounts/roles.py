"""Roles and scope: who a request acts as and which stores or supplier it may touch."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The four kinds of account of DESIGN.md."""

    CONSUMER = "consumer"
    STAFF = "staff"
    SUPPLIER = "supplier"
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class CurrentUser:
    """The logged-in person of a request, with the scope their role gives them."""

    id: int
    email: str
    name: str
    role: Role
    #: Stores (locations.Location ids) a staff account works at.
    store_ids: tuple[int, ...] = ()
    #: The supplier a supplier-staff account acts for.
    supplier_id: int | None = None

    def works_at(self, location_id: int) -> bool:
        """Whether this person is staff of the given store."""
        return self.role is Role.STAFF and location_id in self.store_ids

    def acts_for_supplier(self, supplier_id: int) -> bool:
        """Whether this person is staff of the given supplier."""
        return self.role is Role.SUPPLIER and self.supplier_id == supplier_id


def parse_scope(role: Role, scope: str) -> tuple[list[int], int | None]:
    """Read `store:1,store:2` or `supplier:3` into (store ids, supplier id).

    Raises:
        ValueError: the scope does not suit the role, or is malformed.
    """
    store_ids: list[int] = []
    supplier_id: int | None = None
    for part in filter(None, (p.strip() for p in scope.split(","))):
        kind, _, value = part.partition(":")
        if not value.isdigit():
            raise ValueError(f"Scope {part!r} must look like store:ID or supplier:ID")
        if kind == "store":
            store_ids.append(int(value))
        elif kind == "supplier":
            if supplier_id is not None:
                raise ValueError("A supplier account acts for exactly one supplier")
            supplier_id = int(value)
        else:
            raise ValueError(f"Unknown scope kind {kind!r}: use store or supplier")
    if role is Role.STAFF and (not store_ids or supplier_id is not None):
        raise ValueError("Store staff need --scope store:ID[,store:ID…]")
    if role is Role.SUPPLIER and (supplier_id is None or store_ids):
        raise ValueError("Supplier staff need --scope supplier:ID")
    if role in (Role.CONSUMER, Role.OPERATOR) and (store_ids or supplier_id is not None):
        raise ValueError(f"A {role} account takes no scope")
    return store_ids, supplier_id
