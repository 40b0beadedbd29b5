"""Whose cart a request works on: the account's, or the guest's kept in the session."""

from __future__ import annotations

from typing import Any

from litestar import Request

from accounts.access import current_user
from fulfilment.cart import CART_SESSION_KEY, CartOwner, new_cart_key


def cart_owner(request: Request[Any, Any, Any], *, create: bool = False) -> CartOwner:
    """The logged-in consumer's cart, else the guest's (a random key stored in the session)."""
    user = current_user(request)
    if user is not None:
        return CartOwner(user_id=user.id)
    session = request.session if isinstance(request.scope.get("session"), dict) else {}
    key = session.get(CART_SESSION_KEY)
    if key is None and create:
        key = new_cart_key()
        request.set_session({**session, CART_SESSION_KEY: key})
    return CartOwner(session_key=key)


def guest_cart_key(request: Request[Any, Any, Any]) -> str | None:
    """The guest cart key of this session (read it before logging in clears the session)."""
    session = request.scope.get("session")
    return session.get(CART_SESSION_KEY) if isinstance(session, dict) else None
