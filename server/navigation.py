"""Where each role lands after logging in and which links its header shows.

Edited as consoles land: one place, so header and login redirect always agree.
"""

from __future__ import annotations

from accounts.roles import CurrentUser, Role

#: (path, English label) per role, in header order.
ROLE_LINKS: dict[Role, list[tuple[str, str]]] = {
    Role.CONSUMER: [("/orders", "My orders"), ("/me/coupons", "My coupons"), ("/cart", "Cart")],
    Role.STAFF: [("/pos", "POS")],
    Role.SUPPLIER: [
        ("/supplier", "Supplier console"),
        ("/supplier/fulfilments", "Shipments"),
        ("/supplier/reviews", "Reviews"),
        ("/supplier/after-sales", "After-sales"),
        ("/supplier/money", "My money"),
        ("/supplier/promotions", "Promotions"),
        ("/supplier/analytics", "Analytics"),
    ],
    Role.OPERATOR: [
        ("/operator", "Operator console"),
        ("/operator/settlement", "Settlement"),
        ("/operator/after-sales", "Disputes"),
        ("/operator/orders", "Order console"),
        ("/operator/promotions", "Promotions"),
        ("/operator/analytics", "Analytics"),
    ],
}


def role_links(user: CurrentUser | None) -> list[tuple[str, str]]:
    """The header links of a person's role (none for anonymous visitors)."""
    return ROLE_LINKS[user.role] if user is not None else []


def home_for(user: CurrentUser | None) -> str:
    """The landing page of a person's role: its first console link, else the home page."""
    if user is not None and user.role is Role.CONSUMER:
        return "/"  # consumers shop from the home page; their links are cart and orders
    links = role_links(user)
    return links[0][0] if links else "/"
