"""Reviews: only the customer, only after receipt, once per line; one supplier reply."""

from __future__ import annotations

from typing import Any

import pytest
from piccolo.engine.base import Engine

from accounts.roles import Role
from catalog.errors import InvalidReview, ProductNotFound, ReviewConflict, ReviewDenied
from catalog.reviews import (
    list_product_reviews,
    mask_name,
    product_rating,
    reply_to_review,
    supplier_reviews,
)
from catalog.search import SearchQuery, search_products
from fulfilment.checkout import LineRequest
from fulfilment.errors import LineNotFound, NotReceivedError, OrderNotFound
from fulfilment.orders import confirm_receipt, mark_order_paid
from fulfilment.pos_sales import sell_walk_in
from fulfilment.reviewing import (
    REVIEWABLE,
    REVIEWED,
    WAITING,
    add_line_review_photo,
    review_order_line,
    review_states,
)
from fulfilment.shipments import mark_delivered, ship_fulfilment
from fulfilment.views import load_order
from tests.support.factories import (
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    stock,
)
from tests.support.reviews import collected_pickup

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_the_customer_reviews_a_collected_line_and_the_average_follows(db: Engine) -> None:
    p = await collected_pickup(lines=2)

    first = await review_order_line(p["consumer"], p["order"].id, p["line_ids"][0], 5, " 很好用 ")
    await review_order_line(p["consumer"], p["order"].id, p["line_ids"][1], 4, "")

    assert (first.rating, first.text, first.author_display) == (5, "很好用", "张*")
    rating = await product_rating(p["id"])
    assert (rating.count, rating.average) == (2, 4.5)
    page = await list_product_reviews(p["id"])
    assert [r.rating for r in page.items] == [4, 5]  # newest first
    assert (page.summary.average, page.total, page.pages) == (4.5, 2, 1)
    found = await search_products(SearchQuery(q="华为"))
    item = next(i for i in found.items if i["id"] == p["id"])
    assert (item["review_count"], item["rating_sum"]) == (2, 9)


async def test_one_review_per_order_line(db: Engine) -> None:
    p = await collected_pickup()
    await review_order_line(p["consumer"], p["order"].id, p["line_ids"][0], 5, "好")

    with pytest.raises(ReviewConflict, match="already reviewed"):
        await review_order_line(p["consumer"], p["order"].id, p["line_ids"][0], 1, "改主意了")

    assert (await product_rating(p["id"])).count == 1


async def test_lines_not_yet_received_cannot_be_reviewed(db: Engine) -> None:
    store = await make_store()
    product = await make_product()
    await stock(store, product["variant_ids"][0], 3)
    consumer = await make_user()
    order = await make_order(consumer.id, [(product["variant_ids"][0], 1)], location_id=store)
    line_id = order.fulfilments[0].lines[0].id

    with pytest.raises(NotReceivedError, match="once you have received it"):
        await review_order_line(consumer, order.id, line_id, 5, "还没到")

    states = await review_states(await load_order(order.id))
    assert states[line_id].state == WAITING


async def test_a_delivered_parcel_is_reviewable_once_receipt_is_confirmed(db: Engine) -> None:
    supplier = await make_supplier()
    variant = (await make_product(supplier_id=supplier))["variant_ids"][0]
    warehouse = await make_store(kind="warehouse")
    await stock(warehouse, variant, 2)
    consumer = await make_user()
    order = await make_order(consumer.id, [(variant, 1)], method="delivery")
    fid, line_id = order.fulfilments[0].id, order.fulfilments[0].lines[0].id
    await mark_order_paid(order.id, payment_id=order.payment.id)
    await ship_fulfilment(supplier, fid, carrier="顺丰速运", tracking_number="SF1", actor_id=None)
    await mark_delivered(supplier, fid, actor_id=None)

    with pytest.raises(NotReceivedError):
        await review_order_line(consumer, order.id, line_id, 4, "")
    await confirm_receipt(order.id, customer_id=consumer.id, actor_id=consumer.id)
    review = await review_order_line(consumer, order.id, line_id, 4, "物流很快")

    states = await review_states(await load_order(order.id))
    assert states[line_id].state == REVIEWED and states[line_id].review.id == review.id


async def test_other_peoples_orders_and_unknown_lines_are_not_found(db: Engine) -> None:
    p = await collected_pickup()
    stranger = await make_user()

    with pytest.raises(OrderNotFound):
        await review_order_line(stranger, p["order"].id, p["line_ids"][0], 5, "")
    with pytest.raises(LineNotFound):
        await review_order_line(p["consumer"], p["order"].id, 999999, 5, "")
    states = await review_states(await load_order(p["order"].id))
    assert states[p["line_ids"][0]].state == REVIEWABLE


async def test_walk_in_sales_have_no_customer_to_review_them(db: Engine) -> None:
    p = await collected_pickup()
    sale = await sell_walk_in(
        p["store"], p["staff"], [LineRequest(p["variant_ids"][0], 1)], payment_method="cash"
    )
    line_id = sale.fulfilments[0].lines[0].id

    with pytest.raises(OrderNotFound):
        await review_order_line(p["staff"], sale.id, line_id, 5, "")
    states = await review_states(sale)
    assert states[line_id].state == WAITING


@pytest.mark.parametrize(
    ("rating", "text", "photo", "message"),
    [
        (0, "", None, "from 1 to 5"),
        (6, "", None, "from 1 to 5"),
        (5, "长" * 1001, None, "too long"),
        (5, "", b"%PDF-1.7 not a picture", "PNG, JPEG, GIF or WebP"),
        (5, "", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
async def test_bad_reviews_are_refused_with_a_reason(
    db: Engine, rating: int, text: str, photo: bytes | None, message: str
) -> None:
    p = await collected_pickup()

    with pytest.raises(InvalidReview, match=message):
        await review_order_line(p["consumer"], p["order"].id, p["line_ids"][0], rating, text, photo)

    assert (await product_rating(p["id"])).count == 0


async def test_a_review_photo_is_stored_once(db: Engine, media_dir: Any) -> None:
    p = await collected_pickup()
    review = await review_order_line(
        p["consumer"], p["order"].id, p["line_ids"][0], 5, "有图", photo=PNG
    )
    assert review.photo.startswith("/media/reviews/") and review.photo.endswith(".png")

    with pytest.raises(ReviewConflict, match="already has a photo"):
        await add_line_review_photo(p["consumer"], p["order"].id, p["line_ids"][0], PNG)


async def test_only_the_products_supplier_replies_and_only_once(db: Engine) -> None:
    p = await collected_pickup()
    review = await review_order_line(p["consumer"], p["order"].id, p["line_ids"][0], 3, "一般")
    own = await make_user(Role.SUPPLIER, supplier_id=p["supplier"])
    other = await make_user(Role.SUPPLIER, supplier_id=await make_supplier())

    with pytest.raises(ReviewDenied):
        await reply_to_review(other, review.id, "抢答")
    with pytest.raises(InvalidReview, match="Write a reply"):
        await reply_to_review(own, review.id, "  ")
    replied = await reply_to_review(own, review.id, "感谢反馈，我们会改进")
    with pytest.raises(ReviewConflict, match="already has a reply"):
        await reply_to_review(own, review.id, "再说一次")

    assert replied.reply == "感谢反馈，我们会改进" and replied.replied_at is not None
    assert [r.id for r in (await supplier_reviews(own)).items] == [review.id]
    assert (await supplier_reviews(own, unreplied=True)).items == []
    assert (await supplier_reviews(other)).items == []


async def test_reviews_of_unlisted_products_are_not_shown(db: Engine) -> None:
    product = await make_product(status="draft")

    with pytest.raises(ProductNotFound):
        await list_product_reviews(product["id"])


def test_authors_are_shown_by_their_first_character() -> None:
    assert [mask_name(n) for n in ("张伟", "李", " Alice ", "")] == ["张*", "李*", "A*", ""]
