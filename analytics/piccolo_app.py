"""Piccolo app of the analytics package."""

import os

from piccolo.conf.apps import AppConfig

from analytics.tables import (
    DailyProductSales,
    DailyStoreSales,
    DailySupplierSales,
    DailyTotals,
    RecommendationDaily,
    ShopperEvent,
    StockAlert,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="analytics",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        ShopperEvent,
        DailyTotals,
        DailyProductSales,
        DailyStoreSales,
        DailySupplierSales,
        RecommendationDaily,
        StockAlert,
    ],
    migration_dependencies=[],
    commands=[],
)
