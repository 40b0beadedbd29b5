"""Pure rules of the counter: masked phones, payment state, scan answers in both languages."""

from __future__ import annotations

from core.i18n import current_locale
from fulfilment.pickup import ScanResult, mask_phone
from fulfilment.pickup.queue import _payment_status
from store_pos.pickup_api import scan_out


def test_phone_numbers_are_masked_in_the_middle() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("+8613800138000") == "+86****8000"
    assert mask_phone("12345") == "****45"
    assert mask_phone("") == ""


def test_pay_in_store_orders_are_workable_before_payment_online_ones_are_not() -> None:
    assert _payment_status({"status": "paid", "payment_method": "sandbox"}) == "paid"
    assert (
        _payment_status({"status": "pending_payment", "payment_method": "in_store"})
        == "to_pay_in_store"
    )
    assert _payment_status({"status": "pending_payment", "payment_method": "sandbox"}) == "unpaid"


def test_refusals_are_explained_in_the_visitors_language() -> None:
    refused = ScanResult(
        False,
        "wrong_store",
        "This order is for pickup at {store}, not this store",
        params={"store": "王府井店"},
    )
    token = current_locale.set("zh-CN")
    try:
        assert scan_out(refused).detail == "该订单应在王府井店自提，不是本门店"
    finally:
        current_locale.reset(token)
    token = current_locale.set("en")
    try:
        body = scan_out(refused)
        assert body.detail == "This order is for pickup at 王府井店, not this store"
        assert body.can_hand_over is False and body.fulfilment_id is None and body.lines == []
    finally:
        current_locale.reset(token)
