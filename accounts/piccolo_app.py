"""Piccolo app of the server package: accounts and their scope."""

import os

from piccolo.conf.apps import AppConfig

from accounts.tables import StaffStore, User

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="server",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[User, StaffStore],
    migration_dependencies=[],
    commands=[],
)
