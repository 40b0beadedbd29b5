"""Statement lines may adjust a line settled before: order_line_id is no longer unique.

Generated with `piccolo migrations new settlement --auto`, then the unique → index change
of order_line_id is made by hand: Piccolo would `DROP CONSTRAINT`, which SQLite lacks (its
UNIQUE is part of the table), so the alter is recorded for the snapshot and made by the
raw step, which runs before the columns are added: PostgreSQL drops the constraint,
SQLite rebuilds the table (its documented way of changing a column). The next migration
adds the unique (order_line_id, revision) index once `revision` exists.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Integer
from piccolo.columns.indexes import IndexMethod

from core.database import current_engine, is_postgres

ID = "2026-12-03T14:33:22:835337"
VERSION = "1.38.0"
DESCRIPTION = "statement lines: adjustments (revision), fee rate recorded"

# statement_line on SQLite as the first settlement migration made it, less the UNIQUE.
_SQLITE_TABLE = (
    'CREATE TABLE "statement_line_new" ("id" INTEGER PRIMARY KEY NOT NULL, '
    '"statement" INTEGER REFERENCES "statement" ("id") ON DELETE CASCADE ON UPDATE CASCADE '
    'DEFAULT null, "order_line_id" INTEGER NOT NULL DEFAULT 0, '
    '"fulfilment_id" INTEGER NOT NULL DEFAULT 0, "order_number" VARCHAR(32) NOT NULL '
    "DEFAULT '', \"quantity\" INTEGER NOT NULL DEFAULT 0, \"sales\" INTEGER NOT NULL DEFAULT 0, "
    '"refunds" INTEGER NOT NULL DEFAULT 0, "commission_bp" INTEGER NOT NULL DEFAULT 0, '
    '"commission" INTEGER NOT NULL DEFAULT 0, "fees" INTEGER NOT NULL DEFAULT 0, '
    '"payable" INTEGER NOT NULL DEFAULT 0)'
)
_COLUMNS = (
    "id, statement, order_line_id, fulfilment_id, order_number, quantity, sales, refunds, "
    "commission_bp, commission, fees, payable"
)


class _RecordedAlter(MigrationManager):
    # The alter_column below describes the change for the snapshot; the raw step makes it.
    async def _run_alter_columns(self, backwards: bool = False) -> None:
        return None


async def _drop_unique() -> None:
    engine = current_engine()
    if is_postgres(engine):
        await engine.run_ddl(
            'ALTER TABLE "statement_line" DROP CONSTRAINT IF EXISTS '
            '"statement_line_order_line_id_key"'
        )
    else:
        await engine.run_ddl(_SQLITE_TABLE)
        await engine.run_ddl(
            f"INSERT INTO statement_line_new ({_COLUMNS}) SELECT {_COLUMNS} FROM statement_line"
        )
        await engine.run_ddl('DROP TABLE "statement_line"')
        await engine.run_ddl('ALTER TABLE "statement_line_new" RENAME TO "statement_line"')
        await engine.run_ddl(
            'CREATE INDEX statement_line_statement ON "statement_line" ("statement")'
        )
        await engine.run_ddl(
            'CREATE INDEX statement_line_fulfilment_id ON "statement_line" ("fulfilment_id")'
        )
    await engine.run_ddl(
        'CREATE INDEX IF NOT EXISTS statement_line_order_line_id ON "statement_line" '
        '("order_line_id")'
    )


async def forwards() -> MigrationManager:
    """Add revision and fee_bp; order_line_id: unique → indexed."""
    manager = _RecordedAlter(migration_id=ID, app_name="settlement", description=DESCRIPTION)
    manager.add_raw(_drop_unique)

    manager.add_column(
        table_class_name="StatementLine",
        tablename="statement_line",
        column_name="fee_bp",
        db_column_name="fee_bp",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatementLine",
        tablename="statement_line",
        column_name="revision",
        db_column_name="revision",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="StatementLine",
        tablename="statement_line",
        column_name="order_line_id",
        db_column_name="order_line_id",
        params={"unique": False, "index": True},
        old_params={"unique": True, "index": False},
        column_class=BigInt,
        old_column_class=BigInt,
        schema=None,
    )

    return manager
