"""The dependency rule of DESIGN.md, checked by import-linter on every run."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from core.apps import DOMAIN_APPS, PACKAGES, PAGE_PACKAGES

ROOT = Path(__file__).resolve().parents[2]


def test_domain_packages_never_import_pages_or_the_app() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_packaging_and_contracts_list_exactly_the_packages_of_core_apps() -> None:
    config = _pyproject()
    packaged = {
        name.rstrip("*") for name in config["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    linted = set(config["tool"]["importlinter"]["root_packages"])
    assert packaged == set(PACKAGES)
    assert linted == set(PACKAGES)
    assert all((ROOT / package / "__init__.py").is_file() for package in PACKAGES)


def test_the_layers_contract_follows_the_domain_order_of_core_apps() -> None:
    contracts = _pyproject()["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    pages = " | ".join(PAGE_PACKAGES)
    assert layers == ["server", pages, *reversed(DOMAIN_APPS), "core"]
