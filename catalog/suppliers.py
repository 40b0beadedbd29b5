"""Suppliers: the companies that sell through the platform."""

from __future__ import annotations

from catalog.tables import Supplier
from core.database import write_transaction
from core.errors import InvalidInput

SUPPLIER_STATUSES = ("applied", "rejected", "approved", "active", "suspended")


async def create_supplier(
    *,
    name: str,
    company_name: str,
    licence_no: str,
    tax_no: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    intro: str = "",
    status: str = "applied",
    commission_bp: int = 500,
    deposit: int = 0,
) -> int:
    """Record a supplier (an application, or an active one for seeding); returns its id."""
    if status not in SUPPLIER_STATUSES:
        raise InvalidInput("Unknown supplier status {status}", status=status)
    if not name.strip() or not company_name.strip():
        raise InvalidInput("A supplier needs a shop name and a company name")
    async with write_transaction():
        row = await Supplier.insert(
            Supplier(
                name=name.strip(),
                company_name=company_name.strip(),
                licence_no=licence_no.strip(),
                tax_no=tax_no.strip(),
                contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(),
                contact_email=contact_email.strip(),
                intro=intro,
                status=status,
                commission_bp=commission_bp,
                deposit=deposit,
            )
        ).returning(Supplier.id)
    return row[0]["id"]
