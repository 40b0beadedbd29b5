"""The operator joins the conversation a dispute points to, from the arbitration console.

Through the JSON API and pages, on both databases: the consumer disputes, the operator reads
the consumer's earlier talk with the shop and writes as 平台客服, both parties read it; the
operator may not enter a conversation no dispute points to (403).
"""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from accounts.roles import Role
from aftersales.requests import answer_request, create_request
from consultation import conversations
from tests.support.aftersales import received_order
from tests.support.factories import login, make_user
from tests.support.web import submit_form


async def open_hours(_kind: str, _id: int) -> bool:
    return True


async def test_the_operator_joins_the_disputed_conversation_and_both_parties_read_it(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversations, "answering_now", open_hours)
    bought = await received_order(prices=(10_000, 20_000))
    consumer, seller = bought["consumer"], bought["supplier_user"]
    first, second = bought["lines"]

    await login(client, consumer)
    cid = (
        await client.post(
            "/api/chat", json={"party_kind": "supplier", "party_id": seller.supplier_id}
        )
    ).json()["id"]
    await client.post(f"/api/chat/{cid}/messages", json={"body": "屏幕有划痕"})
    asked = await create_request(
        consumer, bought["order"].id, first.id, kind="refund_only", reason="划痕"
    )
    undisputed = await create_request(
        consumer, bought["order"].id, second.id, kind="refund_only", reason="不想要了"
    )
    await answer_request(seller, asked.id, decision="reject", note="正常使用痕迹")
    disputed = await client.post(
        f"/api/after-sales/{asked.id}/escalate", json={"body": "明显是新的划痕"}
    )
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    # The arbitration console is the operator's: not the consumer's way in.
    denied = await client.get(f"/api/operator/after-sales/{asked.id}/conversation")
    assert denied.status_code == 403

    # Another consumer's conversation with the same shop: no dispute points to it.
    stranger = await make_user()
    await login(client, stranger)
    other = (
        await client.post(
            "/api/chat", json={"party_kind": "supplier", "party_id": seller.supplier_id}
        )
    ).json()["id"]

    await login(client, await make_user(Role.OPERATOR))
    thread = await client.get(f"/api/operator/after-sales/{asked.id}/conversation")
    assert thread.status_code == 200, thread.text
    assert thread.json()["conversation"]["id"] == cid
    assert thread.json()["conversation"]["operator_joined"] is True
    history = [(m["side"], m["body"]) for m in thread.json()["messages"]]
    assert history[0] == ("consumer", "屏幕有划痕")
    assert history[-1][0] == "operator"  # the join notice
    again = await client.get(f"/api/operator/after-sales/{asked.id}/conversation")
    assert len(again.json()["messages"]) == len(history)  # joining twice posts no second notice

    said = await client.post(
        f"/api/operator/after-sales/{asked.id}/conversation/messages",
        json={"body": "平台已介入，请双方提供<b>照片</b>"},
    )
    assert said.status_code == 201, said.text
    assert (said.json()["side"], said.json()["conversation_id"]) == ("operator", cid)
    empty = await client.post(
        f"/api/operator/after-sales/{asked.id}/conversation/messages", json={"body": " "}
    )
    assert empty.status_code == 400 and "body" in empty.json()["detail"]
    assert (await client.get(f"/api/chat/{cid}/messages")).status_code == 200

    # No dispute points there: 403 to read, write or join; a request never disputed: 409.
    assert (await client.get(f"/api/chat/{other}/messages")).status_code == 403
    posted = await client.post(f"/api/chat/{other}/messages", json={"body": "你好"})
    assert posted.status_code == 403
    assert (await client.post(f"/api/chat/{other}/join")).status_code == 403
    never = await client.get(f"/api/operator/after-sales/{undisputed.id}/conversation")
    assert never.status_code == 409

    page = await client.get(f"/operator/after-sales/{asked.id}/conversation")
    assert page.status_code == 200
    assert "屏幕有划痕" in page.text and "平台客服" in page.text
    assert "&lt;b&gt;照片&lt;/b&gt;" in page.text and "<b>照片</b>" not in page.text
    sent = await submit_form(
        client, f"/operator/after-sales/{asked.id}/conversation", {"body": "商家请在 24 小时内回复"}
    )
    assert sent.status_code in (302, 303)
    assert "商家请在 24 小时内回复" in (await client.get(f"/chat/{cid}/messages")).text
    queue = await client.get("/operator/after-sales")
    assert f"/operator/after-sales/{asked.id}/conversation" in queue.text

    # The consumer: the join notice and two messages unread; the shop: the consumer's
    # first question as well. Each heard once in the inbox that the platform joined.
    for party, unread in ((consumer, 3), (seller, 4)):
        await login(client, party)
        assert (await client.get("/api/chat/unread")).json()["unread"] == unread
        told = (await client.get("/api/notifications")).json()["items"]
        joined = [n for n in told if n["kind"] == "dispute_chat"]
        assert len(joined) == 1 and joined[0]["link"] == f"/chat/{cid}"
        seen = (await client.get(f"/api/chat/{cid}/messages")).json()
        assert [m["body"] for m in seen if m["side"] == "operator"][-2:] == [
            "平台已介入，请双方提供<b>照片</b>",
            "商家请在 24 小时内回复",
        ]
        shown = await client.get(f"/chat/{cid}")
        assert "平台客服" in shown.text and "&lt;b&gt;照片&lt;/b&gt;" in shown.text
    assert (await client.get("/api/chat/unread")).json()["unread"] == 0  # the shop just read it
