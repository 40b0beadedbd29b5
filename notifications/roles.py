"""Telling a role rather than one person: every account of a supplier, every operator."""

from __future__ import annotations

from accounts.people import operator_ids, supplier_account_ids
from notifications.service import notify_user
from notifications.wording import both


async def notify_supplier(
    supplier_id: int | None, kind: str, *, title: str, body: str = "", link: str = ""
) -> int:
    """Notify every account of a supplier (inbox and e-mail); returns how many were told."""
    if supplier_id is None:
        return 0
    told = 0
    for user_id in await supplier_account_ids(supplier_id):
        told += await notify_user(user_id, kind, title=title, body=body, link=link) is not None
    return told


async def notify_operators(kind: str, *, title: str, body: str = "", link: str = "") -> int:
    """Notify every operator (inbox and e-mail); returns how many were told."""
    told = 0
    for user_id in await operator_ids():
        told += await notify_user(user_id, kind, title=title, body=body, link=link) is not None
    return told


async def tell_operators_of_application(supplier_id: int) -> int:
    """A supplier applied to join: the operators have an application to review."""
    return await notify_operators(
        "new_application",
        title=both("New supplier application"),
        link=f"/operator/suppliers/{supplier_id}",
    )


async def tell_operators_of_product(product_id: int) -> int:
    """A supplier submitted a product: the operators have a listing to review."""
    return await notify_operators(
        "product_to_review",
        title=both("A product to review"),
        link=f"/operator/products/{product_id}",
    )
