"""Assembles the Litestar application: the only module that imports the page packages."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from accounts.access import DEPENDENCIES, authorize
from accounts.login_limits import LOGIN_ATTEMPTS_STORE
from analytics import events as analytics_events
from analytics import rollups as analytics_rollups
from backoffice.operator.analytics_api import OperatorAnalyticsApi
from backoffice.operator.analytics_pages import OperatorAnalyticsPages
from backoffice.operator.console_api import OperatorApi
from backoffice.operator.console_pages import OperatorPages
from backoffice.operator.reconciliation_api import ReconciliationApi
from backoffice.operator.reconciliation_pages import ReconciliationPages
from backoffice.operator.search_api import OperatorSearchApi
from backoffice.operator.search_pages import OperatorSearchPages
from backoffice.operator.settlement_api import OperatorSettlementApi
from backoffice.operator.settlement_pages import OperatorSettlementPages
from backoffice.shared.locations_api import OperatorLocationsApi, SupplierLocationsApi
from backoffice.shared.locations_pages import OperatorLocationsPages, SupplierLocationsPages
from backoffice.shared.promotions_api import OperatorPromotionsApi, SupplierPromotionsApi
from backoffice.shared.promotions_pages import OperatorPromotionPages, SupplierPromotionPages
from backoffice.shared.stock_api import SupplierStockApi
from backoffice.shared.stock_pages import SupplierStockPages
from backoffice.shared.today_api import OperatorTodayApi, SupplierTodayApi
from backoffice.shared.today_pages import TodayPages
from backoffice.supplier.analytics_api import SupplierAnalyticsApi
from backoffice.supplier.analytics_pages import SupplierAnalyticsPages
from backoffice.supplier.console_api import SupplierApi
from backoffice.supplier.console_pages import SupplierPages
from backoffice.supplier.fulfilment_api import SupplierFulfilmentApi
from backoffice.supplier.fulfilment_pages import SupplierFulfilmentPages
from backoffice.supplier.money_api import SupplierMoneyApi
from backoffice.supplier.money_pages import SupplierMoneyPages
from backoffice.supplier.review_api import SupplierReviewApi
from backoffice.supplier.review_pages import SupplierReviewPages
from catalog.search_analysis import warm_up
from catalog.search_index import catch_up_lifespan as search_catch_up_lifespan
from catalog.search_sales import sales_refresh_lifespan
from core import versions
from core.background import in_background
from core.database import current_engine, prepare_engine, release_engine
from core.errors import EXCEPTION_HANDLERS
from core.i18n import ROOT
from core.realtime import bind_hub, make_channels_plugin
from core.settings import Settings, get_settings
from fulfilment.sweeps import sweeps_enabled, sweeps_lifespan
from server.aftersales_routes import AFTERSALES_HANDLERS, aftersales_lifespan
from server.auth.api import AuthApi
from server.auth.middleware import SessionUserMiddleware
from server.auth.pages import AccountPages
from server.health import healthz
from server.locale_middleware import LocaleMiddleware
from server.members_routes import MEMBER_ROUTES
from server.pages import switch_language
from server.realtime_routes import order_socket, pos_socket, stock_socket
from server.request_versions import RequestVersions
from server.security.api_guard import CrossSiteGuard
from server.security.headers import add_security_headers
from server.security.input_guard import InputGuard
from server.sessions import SESSION_STORE, session_config, session_store
from server.templating import template_config
from store_pos.counter_api import PosCounterApi
from store_pos.dashboard_api import PosDashboardApi
from store_pos.dashboard_pages import PosDashboardPages
from store_pos.pickup_api import ATTEMPTS_STORE, PosApi
from store_pos.pos_pages import PosPages
from store_pos.promotions_api import PosPromotionsApi
from store_pos.promotions_pages import PosOfferPages
from storefront.address_api import AddressApi
from storefront.address_pages import AddressPages
from storefront.browse_pages import BrowsePages
from storefront.cart_api import CartApi
from storefront.cart_pages import CartPages
from storefront.catalog_api import CatalogApi, StorefrontApi
from storefront.catalog_pages import CatalogPages
from storefront.checkout_api import CheckoutApi
from storefront.checkout_pages import CheckoutPages
from storefront.home_pages import StorefrontPages
from storefront.inbox_api import InboxApi
from storefront.inbox_pages import InboxPages
from storefront.online_pay_api import OnlinePayApi
from storefront.online_pay_pages import OnlinePayPages
from storefront.order_api import OrderApi
from storefront.order_pages import OrderPages
from storefront.payment_api import PaymentApi
from storefront.pickup_api import choose_pickup_day_api, pickup_days_api, pickup_qr
from storefront.pickup_pages import pickup_code_fragment, pickup_day_fragment, pickup_day_submit
from storefront.promotions_api import PromotionsApi
from storefront.promotions_pages import PromotionPages
from storefront.recommendation_api import RecommendationApi
from storefront.recommendation_pages import RecommendationPages
from storefront.review_api import ReviewApi
from storefront.review_pages import ReviewPages
from storefront.sandbox_pages import PaymentPages
from storefront.stores_api import StoresApi
from storefront.stores_pages import StoresPages
from storefront.suggestions_api import SearchHelpApi

#: Paths a browser form does not post to: JSON clients are protected by the SameSite=Lax
#: session cookie, which a cross-site POST does not carry, and by `CrossSiteGuard`. Files
#: (static, media) are only read: answered without a CSRF cookie, an image still loading
#: cannot replace the cookie a login form's token was made for (and a shared cache may keep
#: them).
CSRF_EXEMPT = ["^/api/", "^/ws/", "^/healthz", "^/schema", "^/static/", "^/media/"]
#: Paths served without a session: health checks must answer even when Redis is down.
SESSIONLESS = ["^/healthz", "^/static/", "^/media/"]


def attempts_store(settings: Settings) -> Store:
    """Wrong pickup-code counts: Redis when configured (all processes), else memory."""
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace="kuaiqu-pickup-attempts")
    return MemoryStore()


def login_attempts_store(settings: Settings) -> Store:
    """Wrong-password and sign-up counts: Redis when configured (all processes), else memory."""
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace="kuaiqu-login-attempts")
    return MemoryStore()


@asynccontextmanager
async def database_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Open the database for the app's life; close only what was opened here."""
    engine = current_engine()
    opened = await prepare_engine(engine, pool_size=get_settings().db_pool_size)
    try:
        yield
    finally:
        if opened:
            await release_engine(engine)


@asynccontextmanager
async def analytics_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Write shopper events in batches (flushed on stop); refresh recent rollups with sweeps."""
    jobs = {"kuaiqu-events": analytics_events.flush_forever()}
    if sweeps_enabled():
        jobs["kuaiqu-rollups"] = analytics_rollups.refresh_forever()
    async with in_background(jobs):
        yield


def cache_versions_lifespan(redis_url: str) -> Any:
    """Empty caches (accounts, products) for this app's life, versions in Redis if set."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        versions.configure(redis_url)
        try:
            yield
        finally:
            await versions.close()

    return lifespan


def realtime_lifespan(channels: ChannelsPlugin) -> Any:
    """Bind the hub to this app's channels plugin while the app runs."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        bind_hub(channels)
        try:
            yield
        finally:
            bind_hub(None)

    return lifespan


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app for `settings` (the process settings by default)."""
    settings = settings or get_settings()
    templates = template_config()
    sessions = session_config(exclude=SESSIONLESS, secure=settings.secure_cookies)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    channels = make_channels_plugin(settings.redis_url)
    return Litestar(
        route_handlers=[
            healthz,
            *AFTERSALES_HANDLERS,
            stock_socket,
            pos_socket,
            order_socket,
            switch_language,
            AuthApi,
            AccountPages,
            StorefrontApi,
            StorefrontPages,
            StoresApi,
            StoresPages,
            SupplierStockApi,
            SupplierStockPages,
            SupplierTodayApi,
            OperatorTodayApi,
            TodayPages,
            OperatorLocationsApi,
            OperatorLocationsPages,
            SupplierLocationsApi,
            SupplierLocationsPages,
            PaymentApi,
            PaymentPages,
            OnlinePayPages,
            OnlinePayApi,
            ReconciliationApi,
            ReconciliationPages,
            CatalogApi,
            CatalogPages,
            SupplierApi,
            SupplierPages,
            OperatorApi,
            OperatorPages,
            OperatorSearchApi,
            OperatorSearchPages,
            OperatorAnalyticsApi,
            OperatorAnalyticsPages,
            CartApi,
            CartPages,
            AddressApi,
            AddressPages,
            BrowsePages,
            SearchHelpApi,
            CheckoutApi,
            CheckoutPages,
            OrderApi,
            OrderPages,
            SupplierFulfilmentApi,
            SupplierFulfilmentPages,
            ReviewApi,
            ReviewPages,
            SupplierReviewApi,
            SupplierReviewPages,
            SupplierMoneyApi,
            SupplierMoneyPages,
            OperatorSettlementApi,
            OperatorSettlementPages,
            PosApi,
            PosCounterApi,
            PosPages,
            pickup_qr,
            InboxApi,
            InboxPages,
            RecommendationApi,
            RecommendationPages,
            SupplierAnalyticsApi,
            SupplierAnalyticsPages,
            PosDashboardApi,
            PosDashboardPages,
            pickup_code_fragment,
            pickup_days_api,
            choose_pickup_day_api,
            pickup_day_fragment,
            pickup_day_submit,
            PromotionsApi,
            PromotionPages,
            SupplierPromotionsApi,
            OperatorPromotionsApi,
            SupplierPromotionPages,
            OperatorPromotionPages,
            PosPromotionsApi,
            PosOfferPages,
            *MEMBER_ROUTES,
            create_static_files_router(path="/static", directories=[ROOT / "server" / "static"]),
            create_static_files_router(path="/media", directories=[settings.media_dir]),
        ],
        middleware=[
            DefineMiddleware(InputGuard),
            DefineMiddleware(RequestVersions),
            DefineMiddleware(CrossSiteGuard),
            LocaleMiddleware(),
            sessions.middleware,
            DefineMiddleware(SessionUserMiddleware, exclude=SESSIONLESS),
        ],
        guards=[authorize],
        dependencies=DEPENDENCIES,
        stores={
            SESSION_STORE: session_store(settings.redis_url, settings.var_dir),
            ATTEMPTS_STORE: attempts_store(settings),
            LOGIN_ATTEMPTS_STORE: login_attempts_store(settings),
        },
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="kuaiqu_csrf",
            exclude=CSRF_EXEMPT,
            cookie_secure=settings.secure_cookies,
        ),
        template_config=templates,
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Kuaiqu API",
            version="0.1.0",
            description="B2B2C + O2O commerce: catalog, stock, orders, pickup, POS.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        plugins=[channels],
        before_send=[add_security_headers],
        lifespan=[
            database_lifespan,
            cache_versions_lifespan(settings.redis_url),
            realtime_lifespan(channels),
            sweeps_lifespan,
            search_catch_up_lifespan,
            sales_refresh_lifespan,
            analytics_lifespan,
            aftersales_lifespan,
        ],
        state=State({"settings": settings}),
        debug=settings.debug,
    )


def freeze_heap() -> None:
    """Move every object alive after start-up out of the garbage collector's sight.

    The app's routes, templates, caches and imported modules live as long as the process,
    yet every full collection walked them all: under load that was a pause of tens of
    milliseconds now and then, the tail of every page. Frozen, a collection walks only what
    requests made since (CPython's `gc.freeze`, meant for exactly this). jieba's
    dictionary is loaded first (the search catch-up would load it just after start): its
    210,000 tracked objects made every later full collection 36–140 ms.
    """
    warm_up()
    gc.collect()
    gc.freeze()


def create_served_app() -> Litestar:
    """The app as `kuaiqu run` serves it: `create_app()`, its heap frozen once started."""
    app = create_app()
    app.on_startup.append(freeze_heap)
    return app
