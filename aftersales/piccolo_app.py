"""Piccolo app of the aftersales package."""

import os

from piccolo.conf.apps import AppConfig

from aftersales.tables import AfterSaleMessage, AfterSaleRequest, ReturnWindow

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="aftersales",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[AfterSaleRequest, AfterSaleMessage, ReturnWindow],
    migration_dependencies=[],
    commands=[],
)
