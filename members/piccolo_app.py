"""Piccolo app of the members package."""

import os

from piccolo.conf.apps import AppConfig

from members.tables import Favourite, Member, MemberLevel, MemberPrice, PointsEntry

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="members",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[MemberLevel, Member, PointsEntry, Favourite, MemberPrice],
    migration_dependencies=[],
    commands=[],
)
