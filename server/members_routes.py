"""Routes of issue 17 (members, consultation), listed once so app.py adds them in one line."""

from __future__ import annotations

from typing import Any

from backoffice.operator.members_api import OperatorMembersApi
from backoffice.operator.members_pages import OperatorMembersPages
from server.chat_socket import chat_socket
from server.privacy_routes import PrivacyApi, PrivacyPages
from store_pos.member_api import PosMemberApi
from storefront.chat_api import ChatApi
from storefront.chat_pages import ChatPages
from storefront.favourite_api import FavouriteApi
from storefront.favourite_pages import FavouritePages
from storefront.member_api import MemberApi
from storefront.member_pages import MemberPages

#: Controllers and handlers for `Litestar(route_handlers=[..., *MEMBER_ROUTES])`.
MEMBER_ROUTES: list[Any] = [
    MemberApi,
    MemberPages,
    PosMemberApi,
    OperatorMembersApi,
    OperatorMembersPages,
    ChatApi,
    ChatPages,
    FavouriteApi,
    FavouritePages,
    chat_socket,
    PrivacyApi,
    PrivacyPages,
]
