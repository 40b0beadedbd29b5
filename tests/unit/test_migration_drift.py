"""Migration drift: the tables in code equal what the migrations build.

Piccolo's auto-migration compares each app's tables with the snapshot its migrations add up
to; a column added to a table without a migration shows up here as a pending statement, and
the suite fails before a database ever meets the difference.
"""

from __future__ import annotations

from itertools import chain

import pytest
from piccolo.apps.migrations.auto.schema_differ import AlterStatements
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

from core.apps import DOMAIN_APPS


def _app_name(package: str) -> str:
    module = __import__(f"{package}.piccolo_app", fromlist=["APP_CONFIG"])
    return module.APP_CONFIG.app_name


@pytest.mark.parametrize("package", DOMAIN_APPS)
async def test_migrations_match_the_tables(package: str) -> None:
    app_config = Finder().get_app_config(_app_name(package))
    pending: list[AlterStatements] = await AutoMigrationManager(
        auto_input="y"
    ).get_alter_statements(app_config=app_config)
    statements = list(chain(*[group.statements for group in pending]))
    assert statements == [], (
        f"{package}: tables differ from migrations; "
        f"run `piccolo migrations new {app_config.app_name} --auto`"
    )
