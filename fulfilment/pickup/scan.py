"""Scanning or typing a pickup code at the counter: who and what, or exactly why not.

Every refusal is audited; wrong short codes count against the staff member.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.roles import CurrentUser
from core.database import write_transaction
from core.errors import InvalidInput
from fulfilment.errors import InvalidPickupCode
from fulfilment.hours import shown_time
from fulfilment.moves import now_utc, record_event
from fulfilment.pickup.queue import ScanResult, _collected_by, _tickets, key_ring
from fulfilment.pickup_attempts import PickupAttemptLimiter
from fulfilment.pickup_codes import looks_like_token, read_token
from fulfilment.statuses import FulfilmentMethod, FulfilmentStatus
from fulfilment.tables import Fulfilment, PickupScanAudit
from locations.places import place


async def _audit_unknown(location_id: int, staff: CurrentUser, kind: str, code: str) -> None:
    async with write_transaction():
        await PickupScanAudit.insert(
            PickupScanAudit(
                location=location_id,
                staff_id=staff.id,
                kind=kind,
                code=code[:120],
                reason="invalid",
            )
        )


async def _refuse(
    row: dict[str, Any], staff: CurrentUser, reason: str, result: ScanResult
) -> ScanResult:
    async with write_transaction():
        await record_event(
            row["order"],
            "scan_refused",
            fulfilment_id=row["id"],
            actor_id=staff.id,
            old_state=row["status"],
            new_state=row["status"],
            note=reason,
        )
    return result


async def scan(
    location_id: int,
    code: str,
    staff: CurrentUser,
    limiter: PickupAttemptLimiter,
    *,
    now: datetime | None = None,
) -> ScanResult:
    """Read a scanned token or typed short code: who and what, or exactly why not.

    Wrong short codes count against the staff member at this store (429 after five in the
    window); every refusal is audited — as an order event when the code names a
    fulfilment, else as a `PickupScanAudit` row.
    """
    now = now or now_utc()
    code = code.strip()
    if not code:
        raise InvalidInput("Scan the QR code or type the pickup code")
    row: dict[str, Any] | None = None
    if looks_like_token(code):
        try:
            token = read_token(code, key_ring())
        except InvalidPickupCode:
            await _audit_unknown(location_id, staff, "token", code)
            return ScanResult(False, "invalid", "This pickup code is not valid")
        row = await Fulfilment.select().where(Fulfilment.id == token.fulfilment_id).first()
        if (
            row is None
            or row["token_nonce"] != token.nonce
            or row["method"] != FulfilmentMethod.PICKUP
        ):
            await _audit_unknown(location_id, staff, "token", code)
            return ScanResult(False, "invalid", "This pickup code is not valid")
        if token.location_id != location_id or row["location"] != location_id:
            store = await place(row["location"])
            name = store["name"] if store else f"#{row['location']}"
            return await _refuse(
                row,
                staff,
                "wrong_store",
                ScanResult(
                    False,
                    "wrong_store",
                    "This order is for pickup at {store}, not this store",
                    params={"store": name, "store_id": location_id},
                ),
            )
    else:
        await limiter.check(staff.id, location_id)
        if code.isdigit():
            row = (
                await Fulfilment.select()
                .where(
                    (Fulfilment.location == location_id)
                    & (Fulfilment.short_code == code)
                    & (Fulfilment.method == FulfilmentMethod.PICKUP)
                )
                .order_by(Fulfilment.id, ascending=False)
                .first()
            )
        if row is None:
            await _audit_unknown(location_id, staff, "short_code", code)
            failures = await limiter.record_failure(staff.id, location_id)
            left = max(0, limiter.limit - failures)
            return ScanResult(
                False,
                "invalid",
                "No pickup at this store has code {code} ({left} tries left)",
                params={"code": code, "left": left},
            )
        await limiter.release(staff.id, location_id)  # a matching code is no guess
    found = (await _tickets([row], now))[0]
    status = row["status"]
    if status == FulfilmentStatus.COLLECTED:
        when, who = await _collected_by(row["id"])
        return await _refuse(
            row,
            staff,
            "collected",
            ScanResult(
                False,
                "collected",
                "Already collected on {when} (handed over by {who})",
                ticket=found,
                collected_at=when,
                collected_by=who,
                params={"when": shown_time(when), "who": who},
            ),
        )
    if status == FulfilmentStatus.EXPIRED or (
        status == FulfilmentStatus.READY_FOR_PICKUP
        and row["pickup_deadline"]
        and row["pickup_deadline"] < now
    ):
        return await _refuse(
            row,
            staff,
            "expired",
            ScanResult(
                False, "expired", "This pickup expired: it was not collected in time", ticket=found
            ),
        )
    if status == FulfilmentStatus.CANCELLED:
        return await _refuse(
            row,
            staff,
            "cancelled",
            ScanResult(False, "cancelled", "This order was cancelled", ticket=found),
        )
    if status != FulfilmentStatus.READY_FOR_PICKUP:
        return await _refuse(
            row,
            staff,
            "not_ready",
            ScanResult(
                False,
                "not_ready",
                "This order is not ready yet: mark it ready first",
                ticket=found,
            ),
        )
    return ScanResult(True, None, "Ready: check the customer and hand over", ticket=found)
