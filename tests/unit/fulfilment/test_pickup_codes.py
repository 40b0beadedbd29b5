"""Pickup codes: decoded from the QR image by a real decoder, forged ones refused, keys rotate."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from litestar.stores.memory import MemoryStore
from PIL import Image

from core.errors import TooManyAttempts
from fulfilment.errors import InvalidPickupCode
from fulfilment.pickup_attempts import PickupAttemptLimiter
from fulfilment.pickup_codes import (
    KeyRing,
    is_code_of,
    issue_token,
    looks_like_token,
    new_short_code,
    qr_png,
    qr_svg,
    read_token,
)

RING = KeyRing.from_config("", "server-secret")


def decode_qr(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_qr_code_carries_the_token_and_verifies() -> None:
    token, nonce = issue_token(42, 7, RING)
    scanned = decode_qr(qr_png(token))
    assert scanned == token
    verified = read_token(scanned, RING)
    assert (verified.fulfilment_id, verified.location_id, verified.nonce) == (42, 7, nonce)


def test_token_holds_no_personal_data() -> None:
    token, _ = issue_token(42, 7, RING)
    assert token.count(".") == 5 and "@" not in token and len(token) < 80


def test_svg_is_a_qr_image() -> None:
    svg = qr_svg("KQ1.k0.1.2.abc.def")
    assert svg.startswith(b"<?xml") and b"<svg" in svg


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace(".42.", ".43."),  # another fulfilment
        lambda t: t.replace(".7.", ".8."),  # another store
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # altered signature
        lambda t: "hello world",
        lambda t: "",
    ],
)
def test_forged_or_altered_tokens_are_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    token, _ = issue_token(42, 7, RING)
    with pytest.raises(InvalidPickupCode):
        read_token(tamper(token), RING)


def test_a_token_from_another_server_key_is_refused() -> None:
    token, _ = issue_token(42, 7, KeyRing.from_config("", "someone-elses-secret"))
    with pytest.raises(InvalidPickupCode):
        read_token(token, RING)


def test_rotated_keys_keep_old_codes_valid_until_the_old_key_is_dropped() -> None:
    old = KeyRing.from_config("k1:first-secret", "s")
    token, _ = issue_token(5, 6, old)
    rotated = KeyRing.from_config("k2:second-secret,k1:first-secret", "s")
    assert read_token(token, rotated).fulfilment_id == 5
    assert issue_token(5, 6, rotated)[0].split(".")[1] == "k2"
    with pytest.raises(InvalidPickupCode):
        read_token(token, KeyRing.from_config("k2:second-secret", "s"))


def test_short_codes_are_eight_digits_and_not_tokens() -> None:
    codes = {new_short_code() for _ in range(200)}
    assert all(len(c) == 8 and c.isdigit() and not looks_like_token(c) for c in codes)
    assert len(codes) > 190


async def test_wrong_codes_lock_out_one_staff_member_at_one_store() -> None:
    limiter = PickupAttemptLimiter(MemoryStore(), limit=3, window_s=600)
    for _ in range(3):
        await limiter.check(staff_id=1, location_id=9)
        await limiter.record_failure(staff_id=1, location_id=9)
    with pytest.raises(TooManyAttempts) as locked:
        await limiter.check(staff_id=1, location_id=9)
    assert locked.value.params["minutes"] == 10
    await limiter.check(staff_id=2, location_id=9)  # a colleague is not locked out
    await limiter.check(staff_id=1, location_id=10)  # nor the same person at another store


def test_only_this_pickups_short_code_or_current_token_is_its_code() -> None:
    token, nonce = issue_token(42, 7, RING)
    other_token, _ = issue_token(43, 7, RING)
    elsewhere, _ = issue_token(42, 8, RING)
    pickup = {"fulfilment_id": 42, "location_id": 7, "short_code": "12345678", "ring": RING}

    assert is_code_of("12345678", nonce=nonce, **pickup)
    assert is_code_of(f" {token} ", nonce=nonce, **pickup)
    for wrong in ("", "87654321", "１２３４５６７８", other_token, elsewhere, token + "x"):
        assert not is_code_of(wrong, nonce=nonce, **pickup)
    assert not is_code_of(token, nonce="re-issued", **pickup)
