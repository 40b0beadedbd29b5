"""The packages of Kuaiqu in one place: Piccolo's registry, translations and the checks read it.

Domain packages are listed from the lowest layer up; a package may import those before it
(the import-linter layers contract in pyproject.toml says the same and a test holds the two
equal).
"""

from __future__ import annotations

#: Domain packages that own tables (each a Piccolo app), lowest layer first.
DOMAIN_APPS: tuple[str, ...] = (
    "accounts",
    "catalog",
    "locations",
    "notifications",
    "members",
    "payments",
    "promotions",
    "fulfilment",
    "settlement",
    "aftersales",
    "analytics",
    "consultation",
)

#: Packages of pages and JSON API, independent of each other.
PAGE_PACKAGES: tuple[str, ...] = ("storefront", "store_pos", "backoffice")

#: Every package of ours, ground floor first, composition root last.
PACKAGES: tuple[str, ...] = ("core", *DOMAIN_APPS, *PAGE_PACKAGES, "server")

#: Piccolo app modules in registry order.
PICCOLO_APPS: tuple[str, ...] = tuple(f"{package}.piccolo_app" for package in DOMAIN_APPS)
