"""Consumer review form on the order page: stars, text and an optional photo per line."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, MultipartBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, Me
from core.errors import DomainError
from core.i18n import gettext
from fulfilment.reviewing import review_order_line
from storefront.order_pages import order_page


class ReviewForm(msgspec.Struct):
    """The review form of one order line."""

    rating: str = ""
    text: str = ""
    photo: UploadFile | None = None


def _rating(value: str) -> int:
    """The chosen star count; anything else is 0, which the rating rule refuses."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 3 else 0


class ReviewPages(Controller):
    """`POST /orders/{id}/lines/{line_id}/review` from the order page."""

    include_in_schema = False

    @post("/orders/{order_id:int}/lines/{line_id:int}/review", opt=SIGNED_IN)
    async def review(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        order_id: FromPath[int],
        line_id: FromPath[int],
        data: MultipartBody[ReviewForm],
    ) -> Redirect | Template:
        """Store the review and show it; a refused one comes back with its reason and input."""
        photo = await data.photo.read() if data.photo is not None and data.photo.filename else None
        try:
            await review_order_line(me, order_id, line_id, _rating(data.rating), data.text, photo)
        except DomainError as error:
            form = {"line_id": line_id, "rating": data.rating, "text": data.text}
            return await order_page(
                me,
                order_id,
                review_form=form | {"error": error.localized()},
                status_code=error.status_code,
            )
        flash(request, gettext("Thank you for your review"), "success")
        return Redirect(f"/orders/{order_id}#line-{line_id}")
