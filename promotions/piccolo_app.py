"""Piccolo app of the promotions package."""

import os

from piccolo.conf.apps import AppConfig

from promotions.tables import Coupon, LineDiscount, Promotion, PromotionBuyer, PromotionUse

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="promotions",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Promotion, Coupon, PromotionBuyer, PromotionUse, LineDiscount],
    migration_dependencies=[],
    commands=[],
)
