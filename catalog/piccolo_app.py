"""Piccolo app of the catalog package."""

import os

from piccolo.conf.apps import AppConfig

from catalog.tables import (
    Category,
    Product,
    Review,
    SearchFacet,
    SearchTerm,
    Supplier,
    SupplierDocument,
    SynonymGroup,
    Variant,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="catalog",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        Supplier,
        Category,
        Product,
        Variant,
        SupplierDocument,
        Review,
        SearchTerm,
        SearchFacet,
        SynonymGroup,
    ],
    migration_dependencies=[],
    commands=[],
)
