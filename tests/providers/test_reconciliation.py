"""Daily reconciliation against the fakes' statements: every kind of mismatch is named."""

from __future__ import annotations

from datetime import datetime

from piccolo.engine.base import Engine

from payments.capabilities import payment_reference
from payments.reconciliation import CHINA, recent_runs, reconcile
from payments.service import handle_webhook, refund_order_payments
from payments.tables import Payment, ReconciliationMismatch
from tests.support.factories import make_payment
from tests.support.fake_providers import FakeAlipay, FakeWechatPay


def _today() -> datetime:
    return datetime.now(CHINA)


async def test_a_clean_alipay_day_matches(db: Engine, alipay: FakeAlipay) -> None:
    started = await make_payment(provider="alipay", amount=12900)
    reference = payment_reference(started.payment_id)
    await handle_webhook("alipay", *alipay.notification(reference, 12900))
    order_id = (await Payment.select().where(Payment.id == started.payment_id).first() or {})[
        "order_id"
    ]
    await refund_order_payments(order_id=order_id, amount=900, reason="damaged box")
    alipay.bill_payment(reference, 12900)
    alipay.bill_refund(reference, 900, f"{reference}R0")
    report = await reconcile("alipay", _today().date())
    assert (report.statement_lines, report.platform_payments, report.mismatches) == (2, 1, [])
    assert (await recent_runs())[0].status == "matched"


async def test_every_kind_of_alipay_mismatch_is_named(db: Engine, alipay: FakeAlipay) -> None:
    good = await make_payment(provider="alipay", amount=5000)
    dearer = await make_payment(provider="alipay", amount=3000)
    unpaid = await make_payment(provider="alipay", amount=2000)
    absent = await make_payment(provider="alipay", amount=1000)
    for started, amount in ((good, 5000), (dearer, 3000), (absent, 1000)):
        ref = payment_reference(started.payment_id)
        await handle_webhook("alipay", *alipay.notification(ref, amount))
    alipay.bill_payment(payment_reference(good.payment_id), 5000)
    alipay.bill_payment(payment_reference(dearer.payment_id), 3100)
    alipay.bill_payment(payment_reference(unpaid.payment_id), 2000)
    alipay.bill_payment("KQP2147483648", 700)
    report = await reconcile("alipay", _today().date())
    kinds = sorted((m.kind, m.reference) for m in report.mismatches)
    assert kinds == sorted(
        [
            ("amount_differs", payment_reference(dearer.payment_id)),
            ("status_differs", payment_reference(unpaid.payment_id)),
            ("missing_on_platform", "KQP2147483648"),
            ("missing_at_provider", payment_reference(absent.payment_id)),
        ]
    )
    assert await ReconciliationMismatch.count() == 4


async def test_wechat_statement_with_a_refund_missing_on_the_platform(
    db: Engine, wechat: FakeWechatPay
) -> None:
    started = await make_payment(provider="wechat_pay", amount=8000)
    reference = payment_reference(started.payment_id)
    await handle_webhook("wechat_pay", *wechat.callback(reference, 8000))
    wechat.bill_row(reference, 8000)
    wechat.bill_row(reference, 8000, refund=1500, refund_no=f"{reference}R0")
    report = await reconcile("wechat_pay", _today().date())
    assert [(m.kind, m.subject, m.provider_amount) for m in report.mismatches] == [
        ("missing_on_platform", "refund", 1500)
    ]
