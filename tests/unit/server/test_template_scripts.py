"""No template carries script of its own: the CSP (`script-src 'self'`) would block it.

Page behaviour lives in static files under server/static/js/, which act on `data-*`
attributes. An inline `<script>` block, an `on*=` handler or a `javascript:` URL in a template
would be refused by the browser (and would tempt someone into loosening the policy), so none
may appear; every script a template loads must be a file this site serves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.security.headers import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "server" / "static"
TEMPLATES = sorted(p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
SCRIPT_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.I)
#: An event-handler attribute inside a tag: ` onclick=`, ` onchange =`, ...
HANDLER_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_script(path: Path) -> None:
    source = path.read_text(encoding="utf-8")

    inline = [attrs for attrs in SCRIPT_TAG.findall(source) if not SCRIPT_SRC.search(attrs)]
    assert inline == [], "move the script into server/static/js/ and load it with src"
    assert not HANDLER_ATTRIBUTE.search(source), "use a data-* attribute, not an on*= handler"
    assert not JAVASCRIPT_URL.search(source), "no javascript: URLs"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_loaded_script_is_a_file_this_site_serves(path: Path) -> None:
    for attrs in SCRIPT_TAG.findall(path.read_text(encoding="utf-8")):
        src = SCRIPT_SRC.search(attrs)
        assert src is not None
        url = src.group(1)
        assert url.startswith("/static/"), url
        assert (STATIC / url.removeprefix("/static/")).is_file(), url


def test_the_policy_allows_no_inline_or_evaluated_script() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))

    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["default-src"]
