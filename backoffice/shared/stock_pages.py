"""Supplier console pages for stock: levels by location, adjust, receive, transfer, CSV."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import STOCK_MANAGERS, Me
from accounts.roles import CurrentUser
from backoffice.shared.stock_labels import LABELS
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from locations import inventory, stock_csv

PAGE = "/supplier/stock"


class AdjustForm(msgspec.Struct):
    """Set a counted figure (`mode=set`) or add/remove units (`mode=delta`)."""

    location_id: str = ""
    variant_id: str = ""
    mode: str = "set"
    amount: str = ""
    reason: str = "count"
    note: str = ""
    back: str = ""


class ReceiveForm(msgspec.Struct):
    """Goods arrived at a location."""

    location_id: str = ""
    sku: str = ""
    quantity: str = ""
    note: str = ""


class ThresholdForm(msgspec.Struct):
    """The low-stock warning level of one row."""

    location_id: str = ""
    variant_id: str = ""
    threshold: str = ""
    back: str = ""


class TransferForm(msgspec.Struct):
    """Send units to another location."""

    source_id: str = ""
    destination_id: str = ""
    sku: str = ""
    quantity: str = ""
    note: str = ""


class UploadForm(msgspec.Struct):
    """A CSV file to import."""

    file: UploadFile | None = None


def whole(value: str, field: str) -> int:
    """A form field as a whole number, or a clear 400 naming it."""
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput("{field} must be a whole number", field=gettext(field)) from None


def back_to(target: str) -> str:
    """A safe local return address within the stock page."""
    return target if target.startswith(PAGE) else PAGE


#: Stock rows per page: a supplier with hundreds of SKUs pages through them (or searches).
ROWS_PER_PAGE = 50


def matching_rows(levels: list[dict[str, Any]], q: str) -> list[dict[str, Any]]:
    """Rows whose SKU, product or location contains `q` (case-insensitive); all when empty."""
    needle = q.strip().casefold()
    if not needle:
        return levels
    return [
        r
        for r in levels
        if any(
            needle in str(r.get(k) or "").casefold()
            for k in ("sku", "product_name", "location_name")
        )
    ]


class SupplierStockPages(Controller):
    """`/supplier/stock` and its forms."""

    include_in_schema = False

    async def _page(
        self,
        me: CurrentUser,
        *,
        location_id: int | None = None,
        low: bool = False,
        error: str | None = None,
        status_code: int = 200,
        form: dict[str, Any] | None = None,
        q: str = "",
        page: int = 1,
    ) -> Template:
        try:
            levels = await inventory.stock_levels(me, location_id=location_id, low_only=low)
        except DomainError as problem:
            levels, error, status_code = [], error or problem.localized(), problem.status_code
        levels = matching_rows(levels, q)
        total = len(levels)
        pages = max(1, -(-total // ROWS_PER_PAGE))
        page = min(max(1, page), pages)
        levels = levels[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
        return Template(
            "backoffice/stock.html",
            context={
                "levels": levels,
                "q": q,
                "page": page,
                "pages": pages,
                "total": total,
                "locations": await inventory.usable_locations(me),
                "transfers": await inventory.list_transfers(me),
                "movements": await inventory.stock_movements(me, location_id=location_id, limit=20)
                if error is None
                else [],
                "reasons": inventory.ADJUST_REASONS,
                "labels": LABELS,
                "location_id": location_id,
                "low": low,
                "error": error,
                "form": form or {},
                "low_count": sum(1 for r in await inventory.stock_levels(me, low_only=True)),
            },
            status_code=status_code,
        )

    @get(PAGE, opt=STOCK_MANAGERS)
    async def stock_page(
        self,
        me: Me,
        location_id: FromQuery[int | None] = None,
        low: FromQuery[bool] = False,
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        """Own stock at each location, with the forms to change it (searchable, paged)."""
        return await self._page(me, location_id=location_id, low=low, q=q[:100], page=page)

    async def _done(
        self, request: Request[Any, Any, Any], message: str, target: str = PAGE
    ) -> Redirect:
        flash(request, message, "success")
        return Redirect(back_to(target))

    @post(f"{PAGE}/adjust", opt=STOCK_MANAGERS)
    async def adjust(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[AdjustForm]
    ) -> Template | Redirect:
        """Correct a row: a new count, or units added or removed, with a reason."""
        try:
            amount = whole(data.amount, "Quantity")
            level = await inventory.adjust_stock(
                me,
                location_id=whole(data.location_id, "Location"),
                variant_id=whole(data.variant_id, "Variant"),
                reason=data.reason,
                on_hand=amount if data.mode == "set" else None,
                delta=amount if data.mode != "set" else None,
                note=data.note,
            )
        except DomainError as error:
            return await self._page(
                me,
                error=error.localized(),
                status_code=error.status_code,
                form=msgspec.structs.asdict(data),
            )
        message = gettext("Saved: {on_hand} on hand, {available} available")
        return await self._done(request, message.format(**level), data.back)

    @post(f"{PAGE}/receive", opt=STOCK_MANAGERS)
    async def receive(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[ReceiveForm]
    ) -> Template | Redirect:
        """Book in goods that arrived at a location."""
        try:
            variant = await inventory.variant_for_sku(me, data.sku)
            quantity = whole(data.quantity, "Quantity")
            if quantity <= 0:
                raise InvalidInput("Quantities must be above zero")
            level = await inventory.adjust_stock(
                me,
                location_id=whole(data.location_id, "Location"),
                variant_id=variant.id,
                reason="receive",
                delta=quantity,
                note=data.note,
            )
        except DomainError as error:
            return await self._page(
                me,
                error=error.localized(),
                status_code=error.status_code,
                form=msgspec.structs.asdict(data),
            )
        message = gettext("Received: {on_hand} on hand, {available} available")
        return await self._done(request, message.format(**level))

    @post(f"{PAGE}/threshold", opt=STOCK_MANAGERS)
    async def threshold(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[ThresholdForm]
    ) -> Template | Redirect:
        """Set the low-stock warning level of a row."""
        try:
            await inventory.set_low_stock_threshold(
                me,
                location_id=whole(data.location_id, "Location"),
                variant_id=whole(data.variant_id, "Variant"),
                threshold=whole(data.threshold, "Low-stock threshold"),
            )
        except DomainError as error:
            return await self._page(me, error=error.localized(), status_code=error.status_code)
        return await self._done(request, gettext("Low-stock threshold saved"), data.back)

    @post(f"{PAGE}/transfers", opt=STOCK_MANAGERS)
    async def transfer(
        self, me: Me, request: Request[Any, Any, Any], data: URLEncodedBody[TransferForm]
    ) -> Template | Redirect:
        """Send units to another location (they leave the source now)."""
        try:
            variant = await inventory.variant_for_sku(me, data.sku)
            transfer_id = await inventory.start_transfer(
                me,
                source_id=whole(data.source_id, "From"),
                destination_id=whole(data.destination_id, "To"),
                variant_id=variant.id,
                quantity=whole(data.quantity, "Quantity"),
                note=data.note,
            )
        except DomainError as error:
            return await self._page(
                me,
                error=error.localized(),
                status_code=error.status_code,
                form=msgspec.structs.asdict(data),
            )
        message = gettext("Transfer {transfer} is on its way")
        return await self._done(request, message.format(transfer=transfer_id))

    @post(f"{PAGE}/transfers/{{transfer_id:int}}/{{action:str}}", opt=STOCK_MANAGERS)
    async def close_transfer(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        transfer_id: FromPath[int],
        action: FromPath[str],
    ) -> Template | Redirect:
        """Receive a transfer at its destination, or cancel it back to its source."""
        try:
            if action not in ("receive", "cancel"):
                raise InvalidInput("Unknown transfer action {action}", action=action)
            await inventory.close_transfer(me, transfer_id, cancel=action == "cancel")
        except DomainError as error:
            return await self._page(me, error=error.localized(), status_code=error.status_code)
        message = (
            gettext("Transfer {transfer} received")
            if action == "receive"
            else gettext("Transfer {transfer} cancelled")
        )
        return await self._done(request, message.format(transfer=transfer_id))

    @post(f"{PAGE}/import", opt=STOCK_MANAGERS)
    async def import_csv(
        self, me: Me, request: Request[Any, Any, Any], data: MultipartBody[UploadForm]
    ) -> Template | Redirect:
        """Apply an uploaded CSV all-or-nothing, or show which lines are wrong."""
        try:
            if data.file is None:
                raise InvalidInput("Choose a CSV file to upload")
            content = await data.file.read()
            if not content.strip():
                raise InvalidInput("The file is empty")
            result = await stock_csv.import_stock_csv(me, content)
        except DomainError as error:
            return await self._page(me, error=error.localized(), status_code=error.status_code)
        message = gettext("Imported {rows} rows; {changed} changed stock")
        return await self._done(request, message.format(rows=result.rows, changed=result.changed))
