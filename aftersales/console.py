"""The operator's order console: find any order, see all of it, with its after-sales.

Search by order number (any part), by the consumer's phone or by supplier id (`s:12`); an
order's file holds its timeline, payments with refunds, and its after-sales requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.people import contacts_by_ids
from accounts.phone_lookup import user_ids_by_phone
from aftersales.requests import RequestView, request_view
from aftersales.tables import AfterSaleRequest
from fulfilment.errors import OrderNotFound
from fulfilment.received import search_orders
from fulfilment.views import OrderView, load_order
from payments.reads import payments_for_order
from payments.records import PaymentView


@dataclass(frozen=True, slots=True)
class OrderFile:
    """Everything about one order the operator may act on."""

    order: OrderView
    customer: dict[str, Any]
    payments: list[PaymentView]
    requests: list[RequestView]


async def find_orders(text: str) -> list[dict[str, Any]]:
    """Orders by (part of) their number, a phone number or `s:<supplier id>`, newest first."""
    text = text.strip()[:40]
    if not text:
        return await search_orders()
    if text.lower().startswith("s:") and text[2:].strip().isdigit():
        return await search_orders(supplier_id=int(text[2:].strip()))
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) >= 7:
        return await search_orders(customer_ids=await user_ids_by_phone(digits))
    return await search_orders(number=text)


async def order_file(order_id: int) -> OrderFile:
    """One order with its timeline, payments, refunds and after-sales requests."""
    order = await load_order(order_id)
    if order is None:
        raise OrderNotFound("Order {id} was not found", id=order_id)
    customer = (await contacts_by_ids([order.customer_id])).get(order.customer_id or 0, {})
    rows = (
        await AfterSaleRequest.select()
        .where(AfterSaleRequest.order_id == order_id)
        .order_by(AfterSaleRequest.id)
    )
    return OrderFile(
        order=order,
        customer=customer,
        payments=await payments_for_order(order_id),
        requests=[request_view(r) for r in rows],
    )
