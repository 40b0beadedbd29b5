"""The operator's reconciliation page and API, against the fake Alipay's statement."""

from __future__ import annotations

from datetime import datetime

from httpx import AsyncClient
from piccolo.engine.base import Engine

from accounts.roles import Role
from payments.capabilities import payment_reference
from payments.reconciliation import CHINA
from payments.service import handle_webhook
from tests.support.factories import login, make_payment, make_user
from tests.support.fake_providers import FakeAlipay
from tests.support.web import submit_form


async def test_operators_reconcile_through_the_api_and_see_the_page(
    db: Engine, alipay: FakeAlipay, client: AsyncClient
) -> None:
    started = await make_payment(provider="alipay", amount=5000)
    reference = payment_reference(started.payment_id)
    await handle_webhook("alipay", *alipay.notification(reference, 5000))
    alipay.bill_payment(reference, 5100)
    await login(client, await make_user(role=Role.OPERATOR))
    today = datetime.now(CHINA).date().isoformat()
    answer = await client.post(
        "/api/operator/reconciliation", json={"provider": "alipay", "date": today}
    )
    assert answer.status_code == 201, answer.text
    run = answer.json()
    assert run["status"] == "mismatched"
    assert [(m["kind"], m["platform_amount"], m["provider_amount"]) for m in run["mismatches"]] == [
        ("amount_differs", 5000, 5100)
    ]
    listed = (await client.get("/api/operator/reconciliation")).json()
    assert "alipay" in listed["providers"] and listed["runs"][0]["id"] == run["id"]
    bad = await client.post(
        "/api/operator/reconciliation", json={"provider": "sandbox", "date": today}
    )
    assert bad.status_code in (400, 404)
    page = await client.get("/operator/reconciliation")
    assert page.status_code == 200 and reference in page.text
    form = await submit_form(
        client, "/operator/reconciliation", {"provider": "alipay", "day": "not-a-day"}
    )
    assert form.status_code == 400 and "2026-12-03" in form.text


async def test_consumers_may_not_reconcile(db: Engine, client: AsyncClient) -> None:
    await login(client, await make_user())
    assert (await client.get("/api/operator/reconciliation")).status_code == 403
