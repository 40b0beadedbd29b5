"""Reviews through HTTP: the consumer's API and order page, the product page, the supplier."""

from __future__ import annotations

import re

from httpx import AsyncClient

from accounts.roles import Role
from tests.support.factories import login, make_order, make_product, make_store, make_user, stock
from tests.support.reviews import collected_pickup
from tests.support.web import csrf_token, submit_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_api_review_of_a_received_line_shows_on_the_product(client: AsyncClient) -> None:
    p = await collected_pickup()
    await login(client, p["consumer"])
    order = (await client.get(f"/api/orders/{p['order'].id}")).json()
    line = order["fulfilments"][0]["lines"][0]
    assert (line["id"], line["review_state"], line["review"]) == (
        p["line_ids"][0],
        "reviewable",
        None,
    )

    created = await client.post(
        f"/api/orders/{p['order'].id}/lines/{line['id']}/review",
        json={"rating": 4, "text": "屏幕很清楚"},
    )

    assert created.status_code == 201, created.text
    assert created.json()["author"] == "张*" and created.json()["rating"] == 4
    photo = await client.post(
        f"/api/orders/{p['order'].id}/lines/{line['id']}/review/photo",
        files={"photo": ("a.png", PNG, "image/png")},
    )
    assert photo.status_code == 200 and photo.json()["photo"].startswith("/media/reviews/")
    listed = (await client.get(f"/api/products/{p['id']}/reviews")).json()
    assert (listed["average"], listed["count"], listed["total"]) == (4.0, 1, 1)
    assert listed["items"][0]["text"] == "屏幕很清楚"
    product = (await client.get(f"/api/products/{p['id']}")).json()
    assert (product["rating_average"], product["review_count"]) == (4.0, 1)
    found = (await client.get("/api/products", params={"q": "华为"})).json()["items"]
    assert [(i["rating_average"], i["review_count"]) for i in found] == [(4.0, 1)]
    line = (await client.get(f"/api/orders/{p['order'].id}")).json()["fulfilments"][0]["lines"][0]
    assert line["review_state"] == "reviewed" and line["review"]["rating"] == 4


async def test_api_refuses_bad_reviews_with_a_reason(client: AsyncClient) -> None:
    p = await collected_pickup()
    client.cookies.set("kuaiqu_lang", "en")
    await login(client, p["consumer"])
    url = f"/api/orders/{p['order'].id}/lines/{p['line_ids'][0]}/review"

    too_high = await client.post(url, json={"rating": 6})
    too_long = await client.post(url, json={"rating": 5, "text": "x" * 1001})
    no_rating = await client.post(url, json={"text": "忘了打分"})
    first = await client.post(url, json={"rating": 5})
    second = await client.post(url, json={"rating": 1})
    not_image = await client.post(
        url + "/photo", files={"photo": ("a.png", b"GIF? no", "image/png")}
    )

    assert (too_high.status_code, too_high.json()["detail"]) == (
        400,
        "Choose a rating from 1 to 5 stars",
    )
    assert too_long.status_code == 400 and "too long" in too_long.json()["detail"]
    assert no_rating.status_code == 400 and "rating" in no_rating.json()["detail"]
    assert first.status_code == 201
    assert (second.status_code, second.json()["detail"]) == (409, "You already reviewed this item")
    assert not_image.status_code == 400 and "PNG, JPEG" in not_image.json()["detail"]


async def test_api_others_orders_are_not_found_and_early_reviews_conflict(
    client: AsyncClient,
) -> None:
    p = await collected_pickup()
    store = await make_store()
    variant = (await make_product())["variant_ids"][0]
    await stock(store, variant, 2)
    consumer = await make_user()
    waiting = await make_order(consumer.id, [(variant, 1)], location_id=store)
    await login(client, consumer)

    others = await client.post(
        f"/api/orders/{p['order'].id}/lines/{p['line_ids'][0]}/review", json={"rating": 5}
    )
    early = await client.post(
        f"/api/orders/{waiting.id}/lines/{waiting.fulfilments[0].lines[0].id}/review",
        json={"rating": 5},
    )

    assert others.status_code == 404
    assert early.status_code == 409 and early.json()["code"] == "not_received"


async def test_order_page_form_posts_a_review_and_shows_it(client: AsyncClient) -> None:
    p = await collected_pickup(name="故宫文创 书签")
    await login(client, p["consumer"])
    page_url = f"/orders/{p['order'].id}"
    action = f"{page_url}/lines/{p['line_ids'][0]}/review"
    page = await client.get(page_url)
    assert f'action="{action}"' in page.text and 'name="rating" value="5"' in page.text

    posted = await client.post(
        action,
        data={"rating": "5", "text": "包装精美", "_csrf_token": await csrf_token(client, page_url)},
        files={"photo": ("book.png", PNG, "image/png")},
    )

    assert posted.status_code in (302, 303), posted.text
    shown = await client.get(page_url)
    assert "包装精美" in shown.text and "张*" in shown.text and "/media/reviews/" in shown.text
    assert f'action="{action}"' not in shown.text
    assert "感谢您的评价" in shown.text


async def test_order_page_keeps_a_refused_review_with_its_reason(client: AsyncClient) -> None:
    p = await collected_pickup()
    client.cookies.set("kuaiqu_lang", "en")
    await login(client, p["consumer"])
    page_url = f"/orders/{p['order'].id}"
    action = f"{page_url}/lines/{p['line_ids'][0]}/review"

    no_stars = await submit_form(client, action, {"text": "忘了选星"}, page=page_url)
    bad_photo = await client.post(
        action,
        data={"rating": "3", "_csrf_token": await csrf_token(client, page_url)},
        files={"photo": ("x.png", b"not really a picture", "image/png")},
    )

    assert no_stars.status_code == 400
    assert "Choose a rating from 1 to 5 stars" in no_stars.text and "忘了选星" in no_stars.text
    assert bad_photo.status_code == 400 and "PNG, JPEG, GIF or WebP" in bad_photo.text
    assert re.search(r'value="3"\s+required\s+checked', bad_photo.text)


async def test_product_page_shows_average_reviews_and_reply(client: AsyncClient) -> None:
    p = await collected_pickup(lines=2)
    await login(client, p["consumer"])
    for line_id, rating, text in zip(p["line_ids"], (5, 4), ("很好", "不错"), strict=True):
        response = await client.post(
            f"/api/orders/{p['order'].id}/lines/{line_id}/review",
            json={"rating": rating, "text": text},
        )
        assert response.status_code == 201
    review_id = response.json()["id"]
    await login(client, await make_user(Role.SUPPLIER, supplier_id=p["supplier"]))
    replied = await client.post(
        f"/api/supplier/reviews/{review_id}/reply", json={"text": "感谢支持<script>x</script>"}
    )
    again = await client.post(f"/api/supplier/reviews/{review_id}/reply", json={"text": "再谢"})
    assert replied.status_code == 200 and again.status_code == 409
    # The author hears of the reply once (not of the refused second one), escaped on /inbox.
    await login(client, p["consumer"])
    told = (await client.get("/api/notifications")).json()["items"]
    assert [n["kind"] for n in told].count("review_reply") == 1
    inbox_page = (await client.get("/inbox")).text
    assert "商家回复了您的评价" in inbox_page
    assert "感谢支持&lt;script&gt;" in inbox_page and "<script>x</script>" not in inbox_page

    page = await client.get(f"/products/{p['id']}")

    assert page.status_code == 200
    assert 'id="rating-summary"' in page.text and "4.5" in page.text
    assert "很好" in page.text and "不错" in page.text and "感谢支持&lt;script&gt;" in page.text
    assert page.text.count('class="review"') == 2


async def test_supplier_sees_its_reviews_and_replies_from_the_console(
    client: AsyncClient,
) -> None:
    p = await collected_pickup()
    await login(client, p["consumer"])
    review = await client.post(
        f"/api/orders/{p['order'].id}/lines/{p['line_ids'][0]}/review",
        json={"rating": 2, "text": "发货慢"},
    )
    review_id = review.json()["id"]
    other = await collected_pickup()
    await login(client, await make_user(Role.SUPPLIER, supplier_id=other["supplier"]))
    assert (await client.get("/api/supplier/reviews")).json()["items"] == []
    stranger = await client.post(
        f"/api/supplier/reviews/{review_id}/reply", json={"text": "不是我家的"}
    )
    assert stranger.status_code == 403
    await login(client, await make_user(Role.SUPPLIER, supplier_id=p["supplier"]))

    console = await client.get("/supplier/reviews?unreplied=true")
    assert "发货慢" in console.text and f"/supplier/reviews/{review_id}/reply" in console.text
    assert 'href="/supplier/reviews"' in console.text  # the console's header link
    posted = await submit_form(
        client,
        f"/supplier/reviews/{review_id}/reply",
        {"text": "抱歉，已加急"},
        page="/supplier/reviews",
    )

    assert posted.status_code in (302, 303)
    after = await client.get("/supplier/reviews")
    assert "抱歉，已加急" in after.text and "回复已发布" in after.text
    listed = (await client.get("/api/supplier/reviews")).json()
    assert listed["items"][0]["reply"] == "抱歉，已加急" and listed["count"] == 1
    assert (await client.get("/api/supplier/reviews?unreplied=true")).json()["items"] == []
    await login(client, p["consumer"])
    told = [n for n in (await client.get("/api/notifications")).json()["items"]]
    replies = [n for n in told if n["kind"] == "review_reply"]
    assert len(replies) == 1 and replies[0]["body"].endswith("抱歉，已加急")
