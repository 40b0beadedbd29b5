"""The product page's cached body (storefront/product_body.py): what each viewer sees is unchanged.

The part every viewer sees is rendered once per product, variant, reviews page, language and
set of sold-out variants; the price, the units one may buy and the CSRF fields are filled in
per request. These tests hold the page served from the cache to what each viewer must see.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from httpx import AsyncClient
from piccolo.engine.base import Engine

from catalog.tables import Product, Review
from core import versions
from locations.stock import change_on_hand
from members.levels import LevelInput, set_levels
from members.member_prices import MemberPriceInput, set_member_prices
from members.points import ensure_member
from storefront.product_body import product_body, split_at_holes
from tests.support.factories import login, make_product, make_store, make_user, stock

_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
_CSRF_HEADER = re.compile(r'"x-csrftoken": "([^"]+)"')


def _tokens(html: str) -> set[str]:
    """Every CSRF token the page carries (its forms' fields and htmx's header)."""
    return set(_CSRF_FIELD.findall(html)) | set(_CSRF_HEADER.findall(html))


def _without_tokens(html: str) -> str:
    return _CSRF_HEADER.sub("", _CSRF_FIELD.sub("", html))


async def _reviews(product_id: int, texts: list[str]) -> None:
    await Review.insert(
        *[
            Review(product=product_id, author_id=0, author_display="李*", rating=4, text=text)
            for text in texts
        ]
    )


async def test_a_page_from_the_cache_equals_the_page_rendered_fresh(client: AsyncClient) -> None:
    product = await make_product(name="优衣库 T恤", prices=(7900, 9900, 12900))
    first, second, third = product["variant_ids"]
    store = await make_store()
    await stock(store, first, 3)
    await stock(store, second, 200)
    await _reviews(product["id"], [f"第{n}条评价" for n in range(12)])
    pages = [
        "",
        f"?variant={second}",
        f"?variant={third}",
        "?reviews_page=2",
        f"?variant={second}&reviews_page=2",
        "?variant=999999",
    ]
    for query in pages:
        versions.reset_caches()  # nothing cached: rendered now
        fresh = await client.get(f"/products/{product['id']}{query}")
        cached = await client.get(f"/products/{product['id']}{query}")
        assert fresh.status_code == cached.status_code == 200
        assert cached.text == fresh.text, query
        assert "<!--kq-hole" not in cached.text
        assert len(_tokens(cached.text)) == 1  # every form and htmx carry the session's token

    page = (await client.get(f"/products/{product['id']}?variant={third}")).text
    assert "优衣库 T恤" in page and "¥129.00" in page
    # The sold-out variant: its chip, the note, the disabled buttons; others can be bought.
    assert re.search(rf'class="chip selected sold-out" href="\?variant={third}"', page)
    assert "sold-out-note" in page and 'max="1"' in page
    assert all("disabled" in b for b in re.findall(r'<button type="submit"[^>]*>', page))
    page = (await client.get(f"/products/{product['id']}?variant={first}")).text
    assert "sold-out-note" not in page and 'max="3"' in page
    assert not any("disabled" in b for b in re.findall(r'<button type="submit"[^>]*>', page))
    assert 'max="99"' in (await client.get(f"/products/{product['id']}?variant={second}")).text
    # Reviews page 2: the two oldest reviews, a link back to the newer ones.
    page = (await client.get(f"/products/{product['id']}?reviews_page=2")).text
    assert "第1条评价" in page and "第0条评价" in page and "第11条评价" not in page
    assert "?reviews_page=1#reviews" in page and "2 / 2" in page


async def test_each_session_gets_its_own_csrf_token_from_the_same_cached_page(
    client: AsyncClient,
) -> None:
    product = await make_product()
    url = f"/products/{product['id']}"
    mine = (await client.get(url)).text
    again = (await client.get(url)).text
    client.cookies.clear()
    theirs = (await client.get(url)).text
    assert len(_tokens(mine)) == len(_tokens(theirs)) == 1
    assert _tokens(mine) == _tokens(again)  # one session, one token
    assert _tokens(mine) != _tokens(theirs)
    assert mine.count('name="_csrf_token"') == 3  # cart, ask the shop, save
    assert _without_tokens(mine) == _without_tokens(theirs)


async def test_chinese_and_english_pages_are_cached_apart(client: AsyncClient) -> None:
    product = await make_product(name="保温杯")
    url = f"/products/{product['id']}"
    chinese = (await client.get(url)).text
    client.cookies.set("kuaiqu_lang", "en")
    english = (await client.get(url)).text
    client.cookies.set("kuaiqu_lang", "zh-CN")
    chinese_again = (await client.get(url)).text
    assert "加入购物车" in chinese and "Add to cart" not in chinese
    assert "Add to cart" in english and "加入购物车" not in english
    assert 'lang="en"' in english
    assert _without_tokens(chinese_again) == _without_tokens(chinese)


async def test_a_member_sees_their_price_and_a_visitor_the_hint_on_the_same_page(
    client: AsyncClient,
) -> None:
    silver, gold = await set_levels(
        [LevelInput("银卡", "Silver", 0), LevelInput("金卡", "Gold", 10**9)]
    )
    product = await make_product(prices=(10000, 20000))
    cheap, dear = product["variant_ids"]
    await set_member_prices(
        product["supplier_id"],
        product["id"],
        [MemberPriceInput(cheap, 8000, silver.id), MemberPriceInput(dear, 15000, gold.id)],
    )
    url = f"/products/{product['id']}"
    visitor = (await client.get(url)).text
    member = await make_user()
    await ensure_member(member.id)
    await login(client, member)
    own = (await client.get(url)).text
    assert 'id="member-price-hint"' in visitor and "member-price-tag" not in visitor
    assert "¥80.00 · 银卡" not in own
    assert re.search(r'id="price">¥80.00 <span class="member-price-tag">会员价</span>', own)
    assert '<del class="muted">¥100.00</del>' in own and 'id="member-price-hint"' not in own
    assert member.name in own and member.name not in visitor  # the header is the viewer's
    # Gold is above the member: the hint, the list price.
    dear_page = (await client.get(f"{url}?variant={dear}")).text
    assert "member-price-tag" not in dear_page and "¥150.00 · 金卡" in dear_page


async def test_catalog_writes_and_stock_show_at_once(client: AsyncClient) -> None:
    product = await make_product(name="旧名字", prices=(5000, 6000))
    held, other = product["variant_ids"]
    store = await make_store()
    await stock(store, held, 1)
    await stock(store, other, 5)
    url = f"/products/{product['id']}"
    page = (await client.get(url)).text
    assert "旧名字" in page and "sold-out-note" not in page and "暂无评价" in page

    await Product.update({Product.name: "新名字"}).where(Product.id == product["id"])
    await _reviews(product["id"], ["很好用"])
    page = (await client.get(url)).text
    assert "新名字" in page and "旧名字" not in page and "很好用" in page

    # Stock is no catalog write: the cached body follows it all the same.
    await change_on_hand(location_id=store, variant_id=held, delta=-1, reason="damage")
    page = (await client.get(url)).text
    assert "sold-out-note" in page
    assert re.search(rf'class="chip selected sold-out" href="\?variant={held}"', page)
    await stock(store, held, 2)
    page = (await client.get(url)).text
    assert "sold-out-note" not in page and 'max="2"' in page


async def test_text_that_looks_like_a_hole_stays_text(client: AsyncClient) -> None:
    product = await make_product(name='<!--kq-hole:csrf--><b>杯</b>"')
    await _reviews(product["id"], ["<!--kq-hole:price--><script>alert(1)</script>"])
    page = (await client.get(f"/products/{product['id']}")).text
    assert "&lt;!--kq-hole:csrf--&gt;&lt;b&gt;杯&lt;/b&gt;&#34;" in page
    assert "&lt;!--kq-hole:price--&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<b>杯" not in page
    assert page.count('name="_csrf_token"') == 3


def test_the_body_is_cut_at_its_holes_only() -> None:
    parts = split_at_holes("<p>a</p><!--kq-hole:price--><i>&lt;!--kq-hole:csrf--&gt;</i>")
    assert parts == (("<p>a</p>", "price"), ("<i>&lt;!--kq-hole:csrf--&gt;</i>", ""))


class _CountingTemplates:
    """A template engine that counts the body's renders."""

    def __init__(self) -> None:
        self.renders = 0

    def get_template(self, template_name: str) -> _CountingTemplates:
        return self

    def render(self, **context: object) -> str:
        self.renders += 1
        return "<p>body</p><!--kq-hole:csrf-->"


async def test_the_body_is_rendered_once_and_every_time_when_debugging(
    db: Engine, environment: Callable[..., None]
) -> None:
    product = await make_product()
    detail = {"id": product["id"]}
    selected = {"id": product["variant_ids"][0]}
    templates = _CountingTemplates()
    for _ in range(3):
        body = await product_body(templates, detail, selected, 1, frozenset())
    assert templates.renders == 1
    assert body.parts == (("<p>body</p>", "csrf"), ("", ""))
    environment(KUAIQU_DEBUG="1")
    for _ in range(2):
        await product_body(templates, detail, selected, 1, frozenset())
    assert templates.renders == 3
