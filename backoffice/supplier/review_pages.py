"""Supplier console page: reviews of the supplier's products, with a reply form each."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SUPPLIERS, Me
from catalog.reviews import supplier_reviews
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.hours import STORE_TZ
from fulfilment.reviewing import answer_review


class ReplyForm(msgspec.Struct):
    """The reply typed under a review."""

    text: str = ""


class SupplierReviewPages(Controller):
    """`/supplier/reviews`: what buyers said, and the shop's answers."""

    include_in_schema = False

    @get("/supplier/reviews", opt=SUPPLIERS)
    async def list_page(
        self,
        me: Me,
        unreplied: FromQuery[bool] = False,
        page: FromQuery[int] = 1,
    ) -> Template:
        """Newest reviews first; `?unreplied=true` shows those still waiting for a reply."""
        found = await supplier_reviews(me, unreplied=unreplied, page=page)
        return Template(
            "backoffice/supplier_reviews.html",
            context={"reviews": found, "unreplied": unreplied, "tz": STORE_TZ},
        )

    @post("/supplier/reviews/{review_id:int}/reply", opt=SUPPLIERS)
    async def reply(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        review_id: FromPath[int],
        data: URLEncodedBody[ReplyForm],
    ) -> Redirect:
        """Publish the reply under the review."""
        try:
            await answer_review(me, review_id, data.text)
            flash(request, gettext("Reply published"), "success")
        except DomainError as error:
            flash(request, error.localized(), "error")
        return Redirect(f"/supplier/reviews#review-{review_id}")
