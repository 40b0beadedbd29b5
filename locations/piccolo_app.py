"""Piccolo app of the locations package."""

import os

from piccolo.conf.apps import AppConfig

from locations.tables import Location, StockLevel, StockMovement, Transfer

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="locations",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Location, StockLevel, StockMovement, Transfer],
    migration_dependencies=["catalog.piccolo_app"],
    commands=[],
)
