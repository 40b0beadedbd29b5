"""Piccolo app of the payments package."""

import os

from piccolo.conf.apps import AppConfig

from payments.tables import (
    Payment,
    ReconciliationMismatch,
    ReconciliationRun,
    Refund,
    WebhookEvent,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="payments",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Payment, Refund, WebhookEvent, ReconciliationRun, ReconciliationMismatch],
    migration_dependencies=[],
    commands=[],
)
