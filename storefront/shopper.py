"""Who is shopping, for analytics and recommendations: the account, or the guest cart's key."""

from __future__ import annotations

from typing import Any

from litestar import Request

from accounts.roles import CurrentUser
from analytics.recommend import Shopper
from storefront.cart_session import guest_cart_key


def shopper_of(viewer: CurrentUser | None, request: Request[Any, Any, Any]) -> Shopper:
    """The account when signed in; a guest is known by their cart's session key, if any."""
    if viewer is not None:
        return Shopper(user_id=viewer.id)
    return Shopper(visitor=guest_cart_key(request) or "")
