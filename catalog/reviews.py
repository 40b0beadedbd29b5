"""Product reviews: consumers rate what they received, suppliers reply once, pages show them.

Who may review which order line is fulfilment's rule (`fulfilment.reviewing`), which calls
`write_review` here once it is satisfied. The product keeps `review_count` and `rating_sum`
up to date in the review's transaction, so product pages and search results read the
average from the product row instead of counting reviews per product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.catalog_cache import cached
from catalog.errors import (
    InvalidReview,
    ProductNotFound,
    ReviewConflict,
    ReviewDenied,
    ReviewNotFound,
)
from catalog.listings import visible_to_consumers
from catalog.tables import Product, Review, Variant
from catalog.uploads import MAX_IMAGE_BYTES, save_public_image, sniff
from core.database import is_unique_violation, write_transaction
from core.errors import InvalidInput
from core.settings import get_settings

#: Longest review or reply, in characters.
MAX_TEXT = 1000
#: Reviews per page on the product page and in the API.
REVIEWS_PER_PAGE = 10
#: Deepest page of a product's reviews one may ask for (a bounded offset for the database).
MAX_REVIEW_PAGE = 1_000
#: Reviews per page in the supplier console.
SUPPLIER_PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class ReviewView:
    """A review as pages and the API show it."""

    id: int
    product_id: int
    product_name: str
    variant_id: int | None
    order_line_id: int | None
    author_display: str
    rating: int
    text: str
    photo: str
    created_at: datetime
    reply: str
    replied_at: datetime | None


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """A product's average rating (None before the first review) and review count."""

    count: int
    average: float | None


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """One page of reviews with the product's rating summary."""

    summary: RatingSummary
    items: list[ReviewView]
    page: int
    pages: int
    total: int


def summary_of(review_count: int, rating_sum: int) -> RatingSummary:
    """The summary from a product row's counters (average to one decimal)."""
    if review_count <= 0:
        return RatingSummary(0, None)
    return RatingSummary(review_count, round(rating_sum / review_count, 1))


def mask_name(name: str) -> str:
    """How an author is shown to everyone: the first character and a star (张伟 → 张*)."""
    name = name.strip()
    return f"{name[0]}*" if name else ""


def check_rating(rating: int) -> int:
    """Refuse a rating outside 1..5 stars."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidReview("Choose a rating from 1 to 5 stars")
    return rating


def clean_text(text: str, *, required: bool = False) -> str:
    """Strip a review or reply text; refuse one that is empty (when required) or too long."""
    text = (text or "").strip()
    if required and not text:
        raise InvalidReview("Write a reply first")
    if len(text) > MAX_TEXT:
        raise InvalidReview(
            "The text is too long: {n} characters, at most {max}", n=len(text), max=MAX_TEXT
        )
    return text


def check_photo(data: bytes) -> None:
    """Refuse a review photo that is empty, too large or not an image (by its bytes)."""
    if not data:
        raise InvalidReview("The photo is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidReview("The photo is larger than {mb} MB", mb=MAX_IMAGE_BYTES // (1024 * 1024))
    kind = sniff(data)
    if kind is None or not kind.content_type.startswith("image/"):
        raise InvalidReview("The photo must be a PNG, JPEG, GIF or WebP image")


def _save_photo(data: bytes | None) -> str:
    if not data:
        return ""
    check_photo(data)
    return save_public_image(data, "reviews", label="Photo")


def _drop_photo(url: str) -> None:
    """Delete a stored photo whose review was not written after all."""
    if url.startswith("/media/reviews/"):
        (get_settings().media_dir / "reviews" / Path(url).name).unlink(missing_ok=True)


_COLUMNS = (
    Review.id,
    Review.product,
    Review.product.name.as_alias("product_name"),
    Review.variant,
    Review.order_line_id,
    Review.author_display,
    Review.rating,
    Review.text,
    Review.photo,
    Review.created_at,
    Review.reply,
    Review.replied_at,
)


def _view(row: dict[str, Any]) -> ReviewView:
    return ReviewView(
        id=row["id"],
        product_id=row["product"],
        product_name=row["product_name"],
        variant_id=row["variant"],
        order_line_id=row["order_line_id"],
        author_display=row["author_display"],
        rating=row["rating"],
        text=row["text"],
        photo=row["photo"],
        created_at=row["created_at"],
        reply=row["reply"],
        replied_at=row["replied_at"],
    )


async def _one(review_id: int) -> ReviewView:
    row = await Review.select(*_COLUMNS).where(Review.id == review_id).first()
    if row is None:
        raise ReviewNotFound("Review {id} was not found", id=review_id)
    return _view(row)


async def write_review(
    *,
    author_id: int,
    author_name: str,
    variant_id: int,
    order_id: int,
    order_line_id: int,
    rating: int,
    text: str = "",
    photo: bytes | None = None,
) -> ReviewView:
    """Store a review of the product of `variant_id` for one order line; 409 when reviewed.

    The caller (fulfilment) has checked that the author received that line. The product's
    counters move in the same transaction as the insert.
    """
    check_rating(rating)
    text = clean_text(text)
    if photo:
        check_photo(photo)
    variant = await Variant.select(Variant.product).where(Variant.id == variant_id).first()
    if variant is None:
        raise ReviewNotFound("The product of this line no longer exists")
    if await Review.exists().where(Review.order_line_id == order_line_id):
        raise ReviewConflict("You already reviewed this item")
    photo_url = _save_photo(photo)
    try:
        async with write_transaction():
            row = await Review.insert(
                Review(
                    product=variant["product"],
                    variant=variant_id,
                    author_id=author_id,
                    author_display=mask_name(author_name),
                    order_id=order_id,
                    order_line_id=order_line_id,
                    rating=rating,
                    text=text,
                    photo=photo_url,
                )
            ).returning(Review.id)
            await Product.update(
                {
                    Product.review_count: Product.review_count + 1,
                    Product.rating_sum: Product.rating_sum + rating,
                }
            ).where(Product.id == variant["product"])
    except Exception as error:
        _drop_photo(photo_url)
        if is_unique_violation(error):
            raise ReviewConflict("You already reviewed this item") from None
        raise
    return await _one(row[0]["id"])


async def add_review_photo(author_id: int, order_line_id: int, photo: bytes) -> ReviewView:
    """Add the one photo to the author's review of an order line (409 when it has one)."""
    row = (
        await Review.select(Review.id, Review.author_id, Review.photo)
        .where(Review.order_line_id == order_line_id)
        .first()
    )
    if row is None or row["author_id"] != author_id:
        raise ReviewNotFound("Review this item first, then add a photo")
    if row["photo"]:
        raise ReviewConflict("This review already has a photo")
    url = _save_photo(photo)
    async with write_transaction():
        updated = (
            await Review.update({Review.photo: url})
            .where((Review.id == row["id"]) & (Review.photo == ""))
            .returning(Review.id)
        )
    if not updated:
        _drop_photo(url)
        raise ReviewConflict("This review already has a photo")
    return await _one(row["id"])


async def reply_to_review(user: CurrentUser, review_id: int, text: str) -> ReviewView:
    """The supplier owning the product answers a review, once (409 on a second reply)."""
    text = clean_text(text, required=True)
    row = (
        await Review.select(Review.id, Review.product.supplier.as_alias("supplier_id"))
        .where(Review.id == review_id)
        .first()
    )
    if row is None:
        raise ReviewNotFound("Review {id} was not found", id=review_id)
    if user.role is not Role.SUPPLIER or not user.acts_for_supplier(row["supplier_id"]):
        raise ReviewDenied("Only the supplier of this product may reply to its reviews")
    async with write_transaction():
        # The replied_at condition makes two racing replies end with exactly one.
        updated = (
            await Review.update(
                {
                    Review.reply: text,
                    Review.replied_at: datetime.now(UTC),
                    Review.replied_by: user.id,
                }
            )
            .where((Review.id == review_id) & Review.replied_at.is_null())
            .returning(Review.id)
        )
    if not updated:
        raise ReviewConflict("This review already has a reply")
    return await _one(review_id)


async def review_author(review_id: int) -> tuple[int, int | None]:
    """Who wrote a review and on which order (none for a seeded one): to tell them of a reply."""
    row = (
        await Review.select(Review.author_id, Review.order_id).where(Review.id == review_id).first()
    )
    if row is None:
        raise ReviewNotFound("Review {id} was not found", id=review_id)
    return row["author_id"], row["order_id"]


async def product_rating(product_id: int) -> RatingSummary:
    """A listed product's average rating and review count (404 unless listed)."""
    row = (
        await Product.select(Product.review_count, Product.rating_sum)
        .where((Product.id == product_id) & visible_to_consumers())
        .first()
    )
    if row is None:
        raise ProductNotFound("No product {id}", id=product_id)
    return summary_of(row["review_count"], row["rating_sum"])


def _page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


async def list_product_reviews(
    product_id: int, page: int = 1, *, per_page: int = REVIEWS_PER_PAGE
) -> ReviewPage:
    """A listed product's reviews, newest first, one page at a time, with its summary.

    Cached until the catalog changes: treat the answer as read-only. A page below 1 is the
    first; one beyond `MAX_REVIEW_PAGE` is refused (400).
    """
    if page > MAX_REVIEW_PAGE:
        raise InvalidInput("page must be between 1 and {n}", n=MAX_REVIEW_PAGE)
    page = max(1, page)
    return await cached(
        ("product_reviews", product_id, page, per_page),
        lambda: _product_reviews(product_id, page, per_page),
    )


async def _product_reviews(product_id: int, page: int, per_page: int) -> ReviewPage:
    summary = await product_rating(product_id)
    total = await Review.count().where(Review.product == product_id)
    rows = (
        await Review.select(*_COLUMNS)
        .where(Review.product == product_id)
        .order_by(Review.created_at, Review.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return ReviewPage(
        summary=summary,
        items=[_view(r) for r in rows],
        page=page,
        pages=_page_count(total, per_page),
        total=total,
    )


async def supplier_reviews(
    user: CurrentUser, *, unreplied: bool = False, page: int = 1
) -> ReviewPage:
    """Reviews of the supplier's own products, newest first (`unreplied` for those to answer)."""
    if user.role is not Role.SUPPLIER or user.supplier_id is None:
        raise ReviewDenied("Only supplier staff can see their products' reviews")
    page = max(1, page)
    where = Review.product.supplier == user.supplier_id
    if unreplied:
        where = where & Review.replied_at.is_null()
    total = await Review.count().where(where)
    rows = (
        await Review.select(*_COLUMNS)
        .where(where)
        .order_by(Review.created_at, Review.id, ascending=False)
        .limit(SUPPLIER_PER_PAGE)
        .offset((page - 1) * SUPPLIER_PER_PAGE)
    )
    ratings = await Product.select(Product.review_count, Product.rating_sum).where(
        Product.supplier == user.supplier_id
    )
    count = sum(r["review_count"] for r in ratings)
    summary = summary_of(count, sum(r["rating_sum"] for r in ratings))
    return ReviewPage(
        summary=summary,
        items=[_view(r) for r in rows],
        page=page,
        pages=_page_count(total, SUPPLIER_PER_PAGE),
        total=total,
    )


async def reviews_of_order_lines(order_line_ids: list[int]) -> dict[int, ReviewView]:
    """The reviews written for some order lines, by order line id (one query)."""
    if not order_line_ids:
        return {}
    rows = await Review.select(*_COLUMNS).where(Review.order_line_id.is_in(order_line_ids))
    return {r["order_line_id"]: _view(r) for r in rows}


async def seed_review(
    *,
    product_id: int,
    author_display: str,
    rating: int,
    text: str,
    created_at: datetime,
    reply: str = "",
) -> None:
    """Store a review that came from no order here (demo catalogue), counters included."""
    check_rating(rating)
    async with write_transaction():
        await Review.insert(
            Review(
                product=product_id,
                author_id=0,
                author_display=author_display,
                rating=rating,
                text=clean_text(text),
                created_at=created_at,
                reply=reply,
                replied_at=created_at if reply else None,
            )
        )
        await Product.update(
            {
                Product.review_count: Product.review_count + 1,
                Product.rating_sum: Product.rating_sum + rating,
            }
        ).where(Product.id == product_id)
