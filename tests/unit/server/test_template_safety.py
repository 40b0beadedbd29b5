"""Every template escapes data: nothing is marked safe, `_()` translates only literals.

Jinja escapes every `{{ value }}` unless the value is `Markup`. Data turns into markup through
`|safe`, `Markup`, or a gettext that marks its argument safe; these checks keep all three out
of the templates, so user text (names, notes, reasons) can only ever show as text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.i18n import current_locale
from server.templating import label

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts)
#: `_(` followed by anything but a string literal: data handed to gettext.
GETTEXT_OF_DATA = re.compile(r"""(?<![\w.])_\(\s*(?!["'])""")
#: The one value allowed through `|safe`: Litestar's hidden CSRF field, built by the framework
#: with its token already escaped (`litestar.response.template`), holding no user text.
FRAMEWORK_MARKUP = re.compile(r"\{\{\s*csrf_input\s*\|\s*safe\s*\}\}")
#: The one page module that hands a template HTML: the product page's cached body, which is
#: `product_body.html`'s own autoescaped output cut at its hole markers. The test below holds
#: it to marking nothing else safe.
RENDERED_BODY = "storefront/product_body.py"
MARKED_SAFE = re.compile(r"\|\s*safe\b|\bMarkup\b|\bautoescape\s+false|\|\s*forceescape\b")


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_marks_data_safe(path: Path) -> None:
    source = FRAMEWORK_MARKUP.sub("", path.read_text(encoding="utf-8"))

    assert not MARKED_SAFE.findall(source), "user text must never be marked safe"
    assert not GETTEXT_OF_DATA.findall(source), "show data with label(), not _()"


def test_label_translates_known_codes_and_leaves_other_text_as_plain_text() -> None:
    token = current_locale.set("zh-CN")
    try:
        translated = label("cancelled")
        hostile = label("<img src=x onerror=alert(1)> 100%")
    finally:
        current_locale.reset(token)

    assert translated != "cancelled"
    assert hostile == "<img src=x onerror=alert(1)> 100%"
    assert type(hostile) is str  # not Markup: Jinja escapes it
    assert label(None) == ""


def test_no_page_code_builds_markup() -> None:
    """Page packages hand templates plain values; none builds `Markup` from data."""
    packages = ("server", "storefront", "store_pos", "backoffice")
    found = [
        str(p.relative_to(ROOT))
        for package in packages
        for p in (ROOT / package).rglob("*.py")
        if re.search(r"\bMarkup\(|import .*\bMarkup\b|\bmark_safe\(", p.read_text(encoding="utf-8"))
    ]
    assert found == [RENDERED_BODY]


def test_the_cached_product_body_marks_only_the_templates_own_output_safe() -> None:
    """`Markup` only in `split_at_holes`, which is only given what the body template rendered."""
    tree = ast.parse((ROOT / RENDERED_BODY).read_text(encoding="utf-8"))
    marking = [
        function.name
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for call in ast.walk(function)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Markup"
    ]
    assert marking and set(marking) == {"split_at_holes"}
    splits = [
        call
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "split_at_holes"
    ]
    assert [[ast.unparse(a) for a in call.args] for call in splits] == [["html"]]
    sources = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["html"]
    ]
    assert len(sources) == 1 and isinstance(sources[0], ast.Call)
    assert ast.unparse(sources[0]).startswith("engine.get_template(BODY_TEMPLATE).render(")
