"""The consumer's inbox page and the unread badge in the header."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, Me
from core.errors import DomainError
from fulfilment.hours import STORE_TZ
from notifications.service import inbox, mark_read, unread_count

#: The header badge: a red count, nothing when all is read.
BADGE = (
    '{% if n %}<span class="badge" style="display:inline-block;min-width:1.3em;margin-left:.25rem;'
    "padding:0 .35em;border-radius:999px;background:#e4393c;color:#fff;font-size:.8rem;"
    'text-align:center">{{ n }}</span>{% endif %}'
)


class InboxPages(Controller):
    """`/inbox`: what Kuaiqu told the person (ready for pickup, shipped, refunds…)."""

    include_in_schema = False

    @get("/inbox", opt=SIGNED_IN)
    async def inbox_page(
        self,
        me: Me,
    ) -> Template:
        """The latest messages, unread first in bold."""
        return Template(
            "storefront/inbox.html", context={"items": await inbox(me.id), "tz": STORE_TZ}
        )

    @get("/inbox/badge", opt=SIGNED_IN)
    async def badge(
        self,
        me: Me,
    ) -> Template:
        """The unread count for the header link (empty when none)."""
        return Template(
            template_str=BADGE,
            context={"n": await unread_count(me.id)},
        )

    @post("/inbox/{notification_id:int}/open", opt=SIGNED_IN)
    async def open_message(self, me: Me, notification_id: FromPath[int]) -> Redirect:
        """Mark a message read and go to the page it is about."""
        try:
            message = await mark_read(me.id, notification_id)
        except DomainError:
            return Redirect("/inbox")
        return Redirect(message.link or "/inbox")
