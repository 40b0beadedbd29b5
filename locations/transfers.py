"""Transfers of stock between locations: out of the source at once, in at the destination later.

The stock itself moves through `locations.stock`; a transfer row tracks what is in transit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from accounts.roles import CurrentUser, Role
from catalog.variant_facts import variants_info
from core.database import write_transaction
from core.errors import Conflict
from locations.errors import InvalidStockChange, TransferNotFound
from locations.stock import StockLine, change_on_hand, take_available
from locations.stock_access import check_location_access, check_manager, check_variant_access
from locations.tables import Transfer


async def start_transfer(
    user: CurrentUser,
    *,
    source_id: int,
    destination_id: int,
    variant_id: int,
    quantity: int,
    note: str = "",
) -> int:
    """Send units from one location to another: out of the source now, in transit until received.

    Only available units can go (never reserved ones). Returns the transfer id.
    """
    if quantity <= 0:
        raise InvalidStockChange("Quantities must be above zero")
    if source_id == destination_id:
        raise InvalidStockChange("A transfer goes between two different locations")
    variant = (await variants_info([variant_id])).get(variant_id)
    check_variant_access(user, variant, variant_id)
    assert variant is not None
    await check_location_access(user, source_id)
    await check_location_access(user, destination_id)
    async with write_transaction():
        row = await Transfer.insert(
            Transfer(
                source=source_id,
                destination=destination_id,
                variant=variant_id,
                quantity=quantity,
                note=note[:255],
                created_by=user.id,
                supplier_id=variant.supplier_id,
            )
        ).returning(Transfer.id)
        transfer_id: int = row[0]["id"]
        await take_available(
            StockLine(source_id, variant_id, quantity),
            reason="transfer_out",
            reference=f"transfer:{transfer_id}",
            actor_id=user.id,
            sku=variant.sku,
        )
    return transfer_id


async def _open_transfer(user: CurrentUser, transfer_id: int) -> dict[str, Any]:
    check_manager(user)
    query = Transfer.select().where(Transfer.id == transfer_id)
    if user.role is Role.SUPPLIER:
        query = query.where(Transfer.supplier_id == user.supplier_id)
    row = await query.first()
    if row is None:
        raise TransferNotFound("No transfer {transfer}", transfer=transfer_id)
    return row


async def close_transfer(user: CurrentUser, transfer_id: int, *, cancel: bool = False) -> None:
    """Receive a transfer at its destination, or cancel it back into its source.

    One conditional UPDATE of the status (`in_transit` only), so it happens once.
    """
    transfer = await _open_transfer(user, transfer_id)
    target = transfer["source"] if cancel else transfer["destination"]
    async with write_transaction():
        closed = await Transfer.raw(
            "UPDATE transfer SET status = {}, closed_by = {}, closed_at = {} "
            "WHERE id = {} AND status = 'in_transit' RETURNING id",
            "cancelled" if cancel else "received",
            user.id,
            datetime.now(UTC),
            transfer_id,
        )
        if not closed:
            raise Conflict(
                "Transfer {transfer} is already {status}",
                transfer=transfer_id,
                status=transfer["status"],
            )
        await change_on_hand(
            location_id=target,
            variant_id=transfer["variant"],
            delta=transfer["quantity"],
            reason="transfer_back" if cancel else "transfer_in",
            reference=f"transfer:{transfer_id}",
            actor_id=user.id,
        )


async def list_transfers(user: CurrentUser, *, open_only: bool = False) -> list[dict[str, Any]]:
    """Transfers of `user`'s variants (all for the operator), newest first."""
    check_manager(user)
    query = Transfer.select(
        Transfer.id,
        Transfer.source.as_alias("source_id"),
        Transfer.source.name.as_alias("source_name"),
        Transfer.destination.as_alias("destination_id"),
        Transfer.destination.name.as_alias("destination_name"),
        Transfer.variant.as_alias("variant_id"),
        Transfer.variant.sku.as_alias("sku"),
        Transfer.quantity,
        Transfer.status,
        Transfer.note,
        Transfer.created_at,
        Transfer.closed_at,
    )
    if user.role is Role.SUPPLIER:
        query = query.where(Transfer.supplier_id == user.supplier_id)
    if open_only:
        query = query.where(Transfer.status == "in_transit")
    return await query.order_by(Transfer.id, ascending=False)
