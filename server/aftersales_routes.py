"""The after-sales pages and APIs of every side, registered by `server.app` in one line."""

from __future__ import annotations

from aftersales.sweeps import aftersales_lifespan
from backoffice.operator.aftersales_api import OperatorAfterSalesApi
from backoffice.operator.aftersales_pages import OperatorAfterSalesPages
from backoffice.supplier.aftersales_api import SupplierAfterSalesApi
from backoffice.supplier.aftersales_pages import SupplierAfterSalesPages
from store_pos.returns_api import PosReturnsApi
from store_pos.returns_pages import PosReturnsPages
from storefront.aftersales_api import AfterSalesApi
from storefront.aftersales_pages import AfterSalesPages

#: Route handlers of after-sales (issue 16).
__all__ = ["AFTERSALES_HANDLERS", "aftersales_lifespan"]

AFTERSALES_HANDLERS = [
    AfterSalesApi,
    AfterSalesPages,
    PosReturnsApi,
    PosReturnsPages,
    SupplierAfterSalesApi,
    SupplierAfterSalesPages,
    OperatorAfterSalesApi,
    OperatorAfterSalesPages,
]
