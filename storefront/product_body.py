"""The product page's body rendered once and kept with the catalog: "hole punching".

Most of `GET /products/{id}` is the same for every viewer: gallery, names, specs, variant
chips, the buy form, the description, the rating and one page of reviews. `product_body.html`
renders that part once per (product, variant, reviews page, language, sold-out variants) and
the HTML is kept in a `CatalogCache`, so every catalog write (products, variants, suppliers,
categories, reviews, member prices and levels) drops it like the data it was rendered from.
Stock stays live: it is read on every request, and what the body shows of it (which chips
and buttons say sold out) is part of the key. Where the page shows something live or the
viewer's own — the price (a member's own price), the most units one may buy, the CSRF
fields — the body template writes a hole marker; `product.html` renders only those per
request and puts them between the cached pieces.

The marker (`<!--kq-hole:NAME-->`, literal text of the template) starts with `<`, which
autoescape turns into `&lt;` in any data the template shows, so no name, review or reply can
forge a hole: the pieces are exactly the HTML the template produced (already escaped), and
only they are marked safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from markupsafe import Markup

from catalog.catalog_cache import CatalogCache
from catalog.reviews import list_product_reviews
from core.i18n import current_locale
from core.settings import get_settings
from fulfilment.hours import STORE_TZ
from members.member_prices import MemberPriceView, member_prices_of

BODY_TEMPLATE = "storefront/product_body.html"
#: Bodies kept per process (about 10-20 KB each); their own bound, so pages never push the
#: catalog's data answers out of the shared cache.
MAX_BODIES = 1_000
#: The holes `product.html` fills, by name.
HOLES = frozenset({"price", "quantity", "csrf"})

_MARK = "<!--kq-hole:"
_END = "-->"
_bodies = CatalogCache(MAX_BODIES)


@dataclass(frozen=True, slots=True)
class ProductBody:
    """The cached body: (HTML piece, name of the hole after it or "") pairs, in page order.

    Also what the live parts read that was loaded with it (same catalog version).
    """

    parts: tuple[tuple[Markup, str], ...]
    #: The chosen variant's member price (None: it has none).
    member_price: MemberPriceView | None


class TemplateRenderer(Protocol):
    """What the body needs of the app's template engine: a template by name to render."""

    def get_template(self, template_name: str) -> Any:
        """The template called `template_name` (its `render(**context)` returns the HTML)."""


def split_at_holes(html: str) -> tuple[tuple[Markup, str], ...]:
    """The rendered body cut at its hole markers: (piece, hole after it or "") pairs.

    `html` is the output of `product_body.html` (autoescaped): the only HTML this module
    marks safe, so `product.html` shows the pieces as they were rendered.
    """
    parts: list[tuple[Markup, str]] = []
    rest = html
    while (start := rest.find(_MARK)) >= 0:
        end = rest.index(_END, start)
        name = rest[start + len(_MARK) : end]
        if name not in HOLES:
            raise ValueError(f"No hole called {name!r} in {BODY_TEMPLATE}")
        parts.append((Markup(rest[:start]), name))
        rest = rest[end + len(_END) :]
    parts.append((Markup(rest), ""))
    return tuple(parts)


async def product_body(
    engine: TemplateRenderer,
    detail: Mapping[str, Any],
    selected: Mapping[str, Any],
    reviews_page: int,
    sold_out_variants: frozenset[int],
) -> ProductBody:
    """The body of `detail`'s page for the `selected` variant and one page of reviews.

    `sold_out_variants`: the product's variants no store or warehouse holds now. Rendered
    on first use in the current language and kept until the catalog changes.
    """
    page = max(1, reviews_page)  # as `list_product_reviews` reads it: one entry per page

    async def render() -> ProductBody:
        reviews = await list_product_reviews(detail["id"], page)
        member_price = (await member_prices_of([selected["id"]])).get(selected["id"])
        html = engine.get_template(BODY_TEMPLATE).render(
            product=detail,
            selected=selected,
            sold_out_variants=sold_out_variants,
            reviews=reviews,
            tz=STORE_TZ,
        )
        return ProductBody(parts=split_at_holes(html), member_price=member_price)

    if get_settings().debug:
        # Templates are edited while serving (see `auto_reload` in server/templating.py):
        # a kept body would hide the edit until the next catalog write.
        return await render()
    language = current_locale.get()
    key = ("product_body", detail["id"], selected["id"], page, language, sold_out_variants)
    return await _bodies.cached(key, render)
