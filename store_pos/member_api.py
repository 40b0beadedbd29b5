"""Finding a member at the counter (member QR or phone), so the sale earns them points."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from accounts.access import STAFF_HERE
from accounts.people import contacts_by_ids
from core.types import ShortText
from members.cards import find_member
from members.views import member_view


class CounterMemberOut(msgspec.Struct):
    """The member staff found: who, their points and level."""

    user_id: int
    name: str
    points: int
    level: str


class PosMemberApi(Controller):
    """`/api/pos/{location_id}/members`: look a member up by QR text or phone."""

    path = "/api/pos"
    tags = ["pos"]

    @get("/{location_id:int}/members", opt=STAFF_HERE)
    async def find(
        self,
        location_id: FromPath[int],
        code: FromQuery[ShortText] = "",
        phone: FromQuery[ShortText] = "",
    ) -> CounterMemberOut:
        """The member whose QR code was scanned (`code`) or whose phone was typed."""
        user_id = await find_member(code=code, phone=phone)
        view = await member_view(user_id)
        name = (await contacts_by_ids([user_id])).get(user_id, {}).get("name", "")
        return CounterMemberOut(
            user_id, name, view.points, view.level.name_zh if view.level else ""
        )
