"""Supplier console JSON API for stock: levels, adjustments, transfers, CSV import/export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from accounts.access import STOCK_MANAGERS, Me
from accounts.roles import CurrentUser
from core.errors import InvalidInput
from core.types import Id, LongText, Quantity, ShortText, StockCount, StockDelta
from locations import inventory, stock_csv


class StockChange(msgspec.Struct):
    """Set `on_hand` to a counted figure, or add `delta` units (negative removes)."""

    reason: ShortText
    on_hand: StockCount | None = None
    delta: StockDelta | None = None
    note: LongText = ""
    low_stock_threshold: StockCount | None = None


class LevelOut(msgspec.Struct):
    """A stock row after a change."""

    location_id: int
    variant_id: int
    on_hand: int
    reserved: int
    available: int


class StockRowOut(msgspec.Struct):
    """A stock row as the console lists it."""

    location_id: int
    location_name: str
    variant_id: int
    sku: str
    product_name: str
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    low: bool


class StockListOut(msgspec.Struct):
    """Stock rows by location then SKU."""

    items: list[StockRowOut]


class LocationChoice(msgspec.Struct):
    """A location the person may keep stock at."""

    id: int
    name: str
    kind: str
    city: str
    owner_supplier_id: int | None


class TransferIn(msgspec.Struct):
    """Send units of a variant from one location to another."""

    source_id: Id
    destination_id: Id
    variant_id: Id
    quantity: Quantity
    note: LongText = ""


class TransferOut(msgspec.Struct):
    """A transfer and where it stands."""

    id: int
    source_id: int
    source_name: str
    destination_id: int
    destination_name: str
    variant_id: int
    sku: str
    quantity: int
    #: in_transit | received | cancelled
    status: str
    note: str
    created_at: datetime
    closed_at: datetime | None


class MovementOut(msgspec.Struct):
    """One ledger row: a change of on_hand and/or reserved, why, and by whom."""

    id: int
    location_id: int
    location_name: str
    variant_id: int
    sku: str
    on_hand_delta: int
    reserved_delta: int
    #: receive | reserve | release | sale | count | damage | loss | found | return |
    #: transfer_out | transfer_in | transfer_back
    reason: str
    reference: str
    actor_id: int | None
    created_at: datetime


class ImportOut(msgspec.Struct):
    """What an import changed."""

    rows: int
    changed: int


def transfer_out(row: dict[str, Any]) -> TransferOut:
    """A transfer row as JSON."""
    return TransferOut(**{k: row[k] for k in TransferOut.__struct_fields__})


class SupplierStockApi(Controller):
    """`/api/supplier/stock…`: a supplier's stock at each location (the operator's: all)."""

    path = "/api/supplier/stock"
    tags = ["supplier stock"]

    @get("/", opt=STOCK_MANAGERS)
    async def levels(
        self,
        me: Me,
        location_id: FromQuery[int | None] = None,
        low: FromQuery[bool] = False,
    ) -> StockListOut:
        """Own stock rows, optionally at one location or only those at or below threshold."""
        rows = await inventory.stock_levels(me, location_id=location_id, low_only=low)
        return StockListOut(
            items=[StockRowOut(**{k: r[k] for k in StockRowOut.__struct_fields__}) for r in rows]
        )

    @get("/locations", opt=STOCK_MANAGERS)
    async def locations(
        self,
        me: Me,
    ) -> list[LocationChoice]:
        """Locations where the person may keep stock (the operator's and the supplier's own)."""
        return [
            LocationChoice(**{k: r[k] for k in LocationChoice.__struct_fields__})
            for r in await inventory.usable_locations(me)
        ]

    @put("/{location_id:int}/{variant_id:int}", opt=STOCK_MANAGERS)
    async def change(
        self,
        me: Me,
        location_id: FromPath[int],
        variant_id: FromPath[int],
        data: JSONBody[StockChange],
    ) -> LevelOut:
        """Set on_hand (a count) or adjust it by a delta, with a reason; never below reserved."""
        if data.low_stock_threshold is not None:
            await inventory.set_low_stock_threshold(
                me,
                location_id=location_id,
                variant_id=variant_id,
                threshold=data.low_stock_threshold,
            )
            if data.on_hand is None and data.delta is None:
                level = await inventory.current_level(
                    me, location_id=location_id, variant_id=variant_id
                )
                return LevelOut(location_id=location_id, variant_id=variant_id, **level)
        level = await inventory.adjust_stock(
            me,
            location_id=location_id,
            variant_id=variant_id,
            reason=data.reason,
            on_hand=data.on_hand,
            delta=data.delta,
            note=data.note,
        )
        return LevelOut(location_id=location_id, variant_id=variant_id, **level)

    @get("/movements", opt=STOCK_MANAGERS)
    async def movements(
        self,
        me: Me,
        location_id: FromQuery[int | None] = None,
        variant_id: FromQuery[int | None] = None,
        limit: FromQuery[int] = 50,
    ) -> list[MovementOut]:
        """The stock ledger of own variants, newest first."""
        rows = await inventory.stock_movements(
            me, location_id=location_id, variant_id=variant_id, limit=limit
        )
        return [MovementOut(**{k: r[k] for k in MovementOut.__struct_fields__}) for r in rows]

    @get("/transfers", opt=STOCK_MANAGERS)
    async def transfers(self, me: Me, open: FromQuery[bool] = False) -> list[TransferOut]:
        """Transfers of own variants, newest first; `open=1` for those still in transit."""
        rows = await inventory.list_transfers(me, open_only=open)
        return [transfer_out(r) for r in rows]

    @post("/transfers", opt=STOCK_MANAGERS, status_code=HTTP_201_CREATED)
    async def start_transfer(self, me: Me, data: JSONBody[TransferIn]) -> TransferOut:
        """Send available units to another location: they leave the source now."""
        transfer_id = await inventory.start_transfer(
            me,
            source_id=data.source_id,
            destination_id=data.destination_id,
            variant_id=data.variant_id,
            quantity=data.quantity,
            note=data.note,
        )
        rows = await inventory.list_transfers(me)
        return transfer_out(next(r for r in rows if r["id"] == transfer_id))

    @post("/transfers/{transfer_id:int}/receive", opt=STOCK_MANAGERS, status_code=200)
    async def receive_transfer(self, me: Me, transfer_id: FromPath[int]) -> TransferOut:
        """Book a transfer's units in at its destination (once)."""
        return await self._close(me, transfer_id, cancel=False)

    @post("/transfers/{transfer_id:int}/cancel", opt=STOCK_MANAGERS, status_code=200)
    async def cancel_transfer(self, me: Me, transfer_id: FromPath[int]) -> TransferOut:
        """Call a transfer back: its units return to the source (once)."""
        return await self._close(me, transfer_id, cancel=True)

    async def _close(self, me: CurrentUser, transfer_id: int, *, cancel: bool) -> TransferOut:
        await inventory.close_transfer(me, transfer_id, cancel=cancel)
        rows = await inventory.list_transfers(me)
        return transfer_out(next(r for r in rows if r["id"] == transfer_id))

    @get("/export.csv", opt=STOCK_MANAGERS, media_type="text/csv")
    async def export(self, me: Me, location_id: FromQuery[int | None] = None) -> Response[str]:
        """Own stock as CSV (UTF-8 with BOM); the file can be edited and imported back."""
        text = await stock_csv.export_stock_csv(me, location_id=location_id)
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="stock.csv"'},
        )

    @post("/import", opt=STOCK_MANAGERS, status_code=200)
    async def import_csv(self, me: Me, request: Request[Any, Any, Any]) -> ImportOut:
        """Apply a CSV (request body, `text/csv`) all-or-nothing; bad lines are named."""
        body = await request.body()
        if not body.strip():
            raise InvalidInput("Send the CSV file as the request body")
        result = await stock_csv.import_stock_csv(me, body)
        return ImportOut(rows=result.rows, changed=result.changed)
