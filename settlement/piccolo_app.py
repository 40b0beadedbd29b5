"""Piccolo app of the settlement package."""

import os

from piccolo.conf.apps import AppConfig

from settlement.tables import CommissionOverride, DepositEntry, Statement, StatementLine

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="settlement",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[DepositEntry, CommissionOverride, Statement, StatementLine],
    migration_dependencies=["fulfilment.piccolo_app"],
    commands=[],
)
