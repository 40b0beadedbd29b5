"""Today at a glance on the consoles: a panel the supplier and operator dashboards load."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from accounts.access import OPERATORS, SUPPLIERS, Me, supplier_id_of
from fulfilment.today import today_figures


class TodayPages(Controller):
    """`/supplier/today` and `/operator/today`: figures and queues (htmx fragments)."""

    include_in_schema = False

    @get("/supplier/today", opt=SUPPLIERS)
    async def supplier_today(self, me: Me) -> Template:
        """The supplier's day: orders, parcels to ship, pickups waiting, oldest first."""
        figures = await today_figures(supplier_id_of(me))
        return Template(
            "backoffice/today_panel.html", context={"today": figures, "role": "supplier"}
        )

    @get("/operator/today", opt=OPERATORS)
    async def operator_today(self) -> Template:
        """The platform's day."""
        return Template(
            "backoffice/today_panel.html",
            context={"today": await today_figures(), "role": "operator"},
        )
