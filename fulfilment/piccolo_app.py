"""Piccolo app of the fulfilment package."""

import os

from piccolo.conf.apps import AppConfig

from fulfilment.tables import (
    Address,
    CartItem,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    ParcelEvent,
    PickupScanAudit,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="fulfilment",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        Order,
        Fulfilment,
        OrderLine,
        OrderEvent,
        CartItem,
        PickupScanAudit,
        Address,
        ParcelEvent,
    ],
    migration_dependencies=["catalog.piccolo_app", "locations.piccolo_app"],
    commands=[],
)
