"""Pickup codes: a signed token for the QR code and a short numeric code for typing.

The token names the fulfilment and the store and nothing personal:
`KQ1.<key id>.<fulfilment id>.<location id>.<nonce>.<signature>`, where the signature is an
HMAC-SHA256 over the rest with a server key. Keys are rotatable: tokens signed with any
listed key verify; new tokens use the first. The nonce is stored on the fulfilment, so a
re-issued code makes the old one useless. Single use is enforced at handover by the
conditional update, not here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass

import qrcode
import qrcode.image.svg

from fulfilment.errors import InvalidPickupCode

PREFIX = "KQ1"
SHORT_CODE_DIGITS = 8
SIGNATURE_BYTES = 16


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Signing keys by id; `current` signs new tokens."""

    current: str
    keys: dict[str, bytes]

    @classmethod
    def from_config(cls, configured: str, secret_key: str) -> KeyRing:
        """Parse `kid:secret,kid:secret` (newest first), or derive one key from the secret."""
        pairs = [p.split(":", 1) for p in configured.split(",") if p.strip()]
        if not pairs:
            derived = hmac.new(secret_key.encode(), b"kuaiqu pickup codes", hashlib.sha256)
            return cls(current="k0", keys={"k0": derived.digest()})
        if any(len(pair) != 2 or not pair[0].isalnum() for pair in pairs):
            raise ValueError("KUAIQU_PICKUP_KEYS must look like kid:secret,kid:secret")
        return cls(current=pairs[0][0], keys={kid: secret.encode() for kid, secret in pairs})


@dataclass(frozen=True, slots=True)
class PickupToken:
    """What a verified token says."""

    fulfilment_id: int
    location_id: int
    nonce: str


def _sign(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_token(fulfilment_id: int, location_id: int, ring: KeyRing) -> tuple[str, str]:
    """A new signed token for a ready fulfilment; returns (token, nonce to store)."""
    nonce = secrets.token_urlsafe(9)
    body = f"{PREFIX}.{ring.current}.{fulfilment_id}.{location_id}.{nonce}"
    return f"{body}.{_sign(ring.keys[ring.current], body)}", nonce


def read_token(token: str, ring: KeyRing) -> PickupToken:
    """Verify a scanned token's signature and return what it names.

    Raises:
        InvalidPickupCode: not a Kuaiqu pickup code, unknown key, or signature mismatch
            (forged or altered).
    """
    parts = token.strip().split(".")
    if len(parts) != 6 or parts[0] != PREFIX:
        raise InvalidPickupCode("This is not a Kuaiqu pickup code")
    _, kid, fulfilment_id, location_id, nonce, signature = parts
    key = ring.keys.get(kid)
    if key is None or not (fulfilment_id.isdigit() and location_id.isdigit()):
        raise InvalidPickupCode("This pickup code is not valid")
    expected = _sign(key, ".".join(parts[:5]))
    if not hmac.compare_digest(expected, signature):
        raise InvalidPickupCode("This pickup code is not valid")
    return PickupToken(int(fulfilment_id), int(location_id), nonce)


def looks_like_token(code: str) -> bool:
    """Whether a scanned or typed code is a token (else it may be a short code)."""
    return code.strip().startswith(PREFIX + ".")


def is_code_of(
    code: str,
    *,
    fulfilment_id: int,
    location_id: int,
    short_code: str | None,
    nonce: str | None,
    ring: KeyRing,
) -> bool:
    """Whether a scanned or typed code is the code of this pickup at this store.

    Either its short code, or a token signed with a listed key that names this fulfilment,
    this store and the nonce stored now (a re-issued code makes the old token useless).
    """
    code = code.strip()
    if not code:
        return False
    if not looks_like_token(code):
        return short_code is not None and hmac.compare_digest(code.encode(), short_code.encode())
    try:
        token = read_token(code, ring)
    except InvalidPickupCode:
        return False
    return (
        nonce is not None
        and token.fulfilment_id == fulfilment_id
        and token.location_id == location_id
        and hmac.compare_digest(token.nonce.encode(), nonce.encode())
    )


def new_short_code() -> str:
    """An 8-digit code for typing at the counter; unguessable with attempts limited."""
    return f"{secrets.randbelow(10**SHORT_CODE_DIGITS):0{SHORT_CODE_DIGITS}d}"


def qr_png(token: str, box_size: int = 8) -> bytes:
    """The token as a QR code PNG."""
    image = qrcode.make(token, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(token: str) -> bytes:
    """The token as a QR code SVG (crisp on any screen)."""
    image = qrcode.make(token, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def token_for(fulfilment_id: int, location_id: int, nonce: str, ring: KeyRing) -> str:
    """The signed token of an issued code, rebuilt from its stored nonce (for the QR)."""
    body = f"{PREFIX}.{ring.current}.{fulfilment_id}.{location_id}.{nonce}"
    return f"{body}.{_sign(ring.keys[ring.current], body)}"
