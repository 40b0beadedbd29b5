"""Every English string shown to people has its Chinese translation (zh-CN is the default)."""

from __future__ import annotations

import ast
import builtins
import re

from core.i18n import PACKAGES, ROOT, zh_catalogue

TEMPLATE_STRING = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
MESSAGE_CALLS = {"gettext", "_"}


def template_strings() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).glob("templates/**/*.html"):
            found |= {m.group(2) for m in TEMPLATE_STRING.finditer(path.read_text("utf-8"))}
    return found


def python_messages() -> set[str]:
    """Strings passed to gettext() and the first argument of domain errors."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" in path.parts or path.parent.name == "demo":
                continue
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in MESSAGE_CALLS or _is_domain_error(name):
                    found.add(first.value)
    return found


def _is_domain_error(name: str) -> bool:
    if hasattr(builtins, name):  # ValueError & co. are for developers, not shown to people
        return False
    return bool(
        re.match(
            r"^[A-Z]\w*(Error|Invalid\w*|NotFound|Conflict|Denied|Stock|Sku|"
            r"Credentials|Product|Location|Attempts)$|^Invalid|^Conflict$|"
            r"^NotFound$|^PermissionDenied$",
            name,
        )
    )


def test_every_template_string_has_a_chinese_translation() -> None:
    missing = sorted(template_strings() - set(zh_catalogue()))
    assert missing == []


def test_every_error_and_flash_message_has_a_chinese_translation() -> None:
    missing = sorted(python_messages() - set(zh_catalogue()))
    assert missing == []


def test_catalogues_are_valid_and_keep_placeholders() -> None:
    for english, chinese in zh_catalogue().items():
        assert set(re.findall(r"\{\w*\}", english)) == set(re.findall(r"\{\w*\}", chinese)), english
