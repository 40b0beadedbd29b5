"""The consumer's member page: level, progress, points history and the member QR code."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Response, Template

from accounts.access import CONSUMERS, Me
from fulfilment.pickup_codes import qr_svg
from members.views import member_view


class MemberPages(Controller):
    """`/member` and its QR image."""

    include_in_schema = False

    @get("/member", opt=CONSUMERS)
    async def member_page(self, me: Me) -> Template:
        """The member card page."""
        return Template("storefront/member.html", context={"m": await member_view(me.id)})

    @get("/member/qr.svg", opt=CONSUMERS)
    async def member_qr(self, me: Me) -> Response[bytes]:
        """The member QR code staff scan at the counter."""
        view = await member_view(me.id)
        return Response(
            qr_svg(view.qr), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
        )
