"""The consumer's order centre: orders sorted into tabs by the next thing to happen.

Like Tmall's 我的订单: 待付款 (to pay online), 待发货 (a parcel not yet shipped), 待收货 (a
parcel on its way), 待自提 (a pickup not yet collected), 待评价 (received goods not yet
reviewed). An order split into a pickup and a parcel can sit in two tabs at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from catalog.reviews import reviews_of_order_lines
from fulfilment.reviewing import line_received
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus, OrderStatus
from fulfilment.views import OrderView, orders_of_customer

#: How many recent orders the centre sorts (a consumer's history beyond this is rare).
CENTRE_LIMIT = 200


class OrderTab(StrEnum):
    """The tabs of the order centre, in the order they are shown."""

    ALL = "all"
    TO_PAY = "to_pay"
    TO_SHIP = "to_ship"
    TO_RECEIVE = "to_receive"
    TO_COLLECT = "to_collect"
    TO_REVIEW = "to_review"


#: English names of the tabs (Chinese in the catalogues: 全部, 待付款, 待发货, …).
TAB_NAMES = {
    OrderTab.ALL: "All",
    OrderTab.TO_PAY: "To pay",
    OrderTab.TO_SHIP: "To ship",
    OrderTab.TO_RECEIVE: "To receive",
    OrderTab.TO_COLLECT: "To collect",
    OrderTab.TO_REVIEW: "To review",
}

_NOT_SHIPPED = (FulfilmentStatus.ALLOCATED, FulfilmentStatus.PREPARING)
_NOT_COLLECTED = (*_NOT_SHIPPED, FulfilmentStatus.READY_FOR_PICKUP)


def tabs_of(order: OrderView, reviewed_line_ids: set[int]) -> set[OrderTab]:
    """The tabs an order belongs to (besides "all")."""
    tabs = {OrderTab.ALL}
    if order.status == OrderStatus.CANCELLED:
        return tabs
    if order.can_pay:  # waiting for an online payment: nothing moves before it
        return tabs | {OrderTab.TO_PAY}
    for f in order.fulfilments:
        if f.method == FulfilmentMethod.DELIVERY and f.status in _NOT_SHIPPED:
            tabs.add(OrderTab.TO_SHIP)
        elif f.method == FulfilmentMethod.DELIVERY and f.status == FulfilmentStatus.SHIPPED:
            tabs.add(OrderTab.TO_RECEIVE)
        elif f.method == FulfilmentMethod.PICKUP and f.status in _NOT_COLLECTED:
            tabs.add(OrderTab.TO_COLLECT)
        if line_received(order, f) and any(ln.id not in reviewed_line_ids for ln in f.lines):
            tabs.add(OrderTab.TO_REVIEW)
    return tabs


@dataclass(frozen=True, slots=True)
class OrderCentre:
    """One tab's orders, newest first, and how many orders each tab holds."""

    tab: OrderTab
    counts: dict[OrderTab, int]
    orders: list[OrderView]


def parse_tab(text: str) -> OrderTab:
    """A tab named in a link; anything unknown is "all" (a stale link still shows orders)."""
    return OrderTab(text) if text in OrderTab._value2member_map_ else OrderTab.ALL


async def order_centre(customer_id: int, tab: OrderTab = OrderTab.ALL) -> OrderCentre:
    """The consumer's recent orders sorted into tabs, with the chosen tab's orders."""
    orders = await orders_of_customer(customer_id, limit=CENTRE_LIMIT)
    line_ids = [ln.id for o in orders for f in o.fulfilments for ln in f.lines]
    reviewed = set(await reviews_of_order_lines(line_ids)) if line_ids else set()
    sorted_into = [(order, tabs_of(order, reviewed)) for order in orders]
    counts = {t: sum(1 for _, tabs in sorted_into if t in tabs) for t in OrderTab}
    return OrderCentre(tab, counts, [order for order, tabs in sorted_into if tab in tabs])
