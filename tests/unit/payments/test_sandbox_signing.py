"""The sandbox provider believes a callback only when it is signed with its key and fresh."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from payments.errors import InvalidSignature
from payments.providers import SIGNATURE_HEADER, TIMESTAMP_HEADER, SandboxProvider
from payments.sandbox import sign_callback

EVENT = {"payment_id": 7, "amount": 12900, "currency": "CNY", "status": "succeeded"}


def test_a_signed_callback_is_read_back_field_for_field() -> None:
    body, headers = sign_callback({**EVENT, "event_id": "evt_1"})
    event = SandboxProvider().verify_callback(body, headers)
    assert (event.event_id, event.payment_id, event.amount, event.currency, event.status) == (
        "evt_1",
        7,
        12900,
        "CNY",
        "succeeded",
    )


def test_every_signed_callback_gets_its_own_event_id() -> None:
    first, _ = sign_callback(EVENT)
    second, _ = sign_callback(EVENT)
    assert json.loads(first)["event_id"] != json.loads(second)["event_id"]


def test_header_names_are_matched_whatever_their_case() -> None:
    body, headers = sign_callback(EVENT)
    lowered = {key.lower(): value for key, value in headers.items()}
    assert SandboxProvider().verify_callback(body, lowered).payment_id == 7


def test_an_altered_body_is_refused() -> None:
    body, headers = sign_callback(EVENT)
    altered = body.replace(b"12900", b"1")
    with pytest.raises(InvalidSignature, match="signature is not valid"):
        SandboxProvider().verify_callback(altered, headers)


def test_a_callback_signed_with_another_key_is_refused() -> None:
    body, headers = sign_callback(EVENT, secret=b"not-the-sandbox-key")
    with pytest.raises(InvalidSignature, match="signature is not valid"):
        SandboxProvider().verify_callback(body, headers)


def test_a_moved_timestamp_breaks_the_signature() -> None:
    body, headers = sign_callback(EVENT, timestamp=int(time.time()) - 3600)
    headers[TIMESTAMP_HEADER] = str(int(time.time()))
    with pytest.raises(InvalidSignature, match="signature is not valid"):
        SandboxProvider().verify_callback(body, headers)


def test_a_callback_older_than_five_minutes_is_refused() -> None:
    body, headers = sign_callback(EVENT, timestamp=int(time.time()) - 301)
    with pytest.raises(InvalidSignature, match="five minutes"):
        SandboxProvider().verify_callback(body, headers)


def test_a_callback_four_minutes_old_is_accepted() -> None:
    body, headers = sign_callback(EVENT, timestamp=int(time.time()) - 240)
    assert SandboxProvider().verify_callback(body, headers).amount == 12900


def test_an_unsigned_callback_is_refused() -> None:
    body, headers = sign_callback(EVENT)
    del headers[SIGNATURE_HEADER]
    with pytest.raises(InvalidSignature, match="not signed"):
        SandboxProvider().verify_callback(body, headers)


def test_a_signed_body_that_is_not_an_event_is_refused() -> None:
    body, headers = sign_callback({"payment_id": "seven"})
    with pytest.raises(InvalidSignature, match="expected form"):
        SandboxProvider().verify_callback(body, headers)


def test_the_key_can_be_set_by_environment(environment: Callable[..., None]) -> None:
    from payments import providers

    derived = providers.sandbox_secret()
    environment(KUAIQU_SANDBOX_PAY_SECRET="from-the-environment")
    assert providers.sandbox_secret() == b"from-the-environment" != derived
    body, headers = sign_callback(EVENT)
    assert SandboxProvider().verify_callback(body, headers).payment_id == 7
    with pytest.raises(InvalidSignature):
        SandboxProvider(secret=derived).verify_callback(body, headers)


def test_a_callback_dated_far_in_the_future_is_refused() -> None:
    body, headers = sign_callback(EVENT, timestamp=int(time.time()) + 600)
    with pytest.raises(InvalidSignature, match="five minutes"):
        SandboxProvider().verify_callback(body, headers)
