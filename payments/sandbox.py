"""The sandbox provider's own side: signs callbacks as its server would send them.

The hosted pay page uses it to deliver results, and tests and developers use it to send
the webhook a callback that passes verification (or, with another key or an old
timestamp, one that must not).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from payments.providers import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sandbox_secret,
    sandbox_signature,
)


def sign_callback(
    event: dict[str, Any], *, secret: bytes | None = None, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a signed sandbox callback carrying `event`.

    `event` holds payment_id, amount, currency and status; an event_id is added when
    missing. `secret` and `timestamp` default to the configured key and now.
    """
    payload = {"event_id": f"evt_{uuid.uuid4().hex}", **event}
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    sent_at = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: sent_at,
        SIGNATURE_HEADER: sandbox_signature(secret or sandbox_secret(), sent_at, body),
    }
    return body, headers
