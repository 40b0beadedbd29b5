"""Jinja2 set-up shared by every page package: template folders, i18n, money and time filters."""

from __future__ import annotations

from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from litestar.plugins.flash import get_flashes
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from core.i18n import ROOT, current_locale, gettext, ngettext
from core.settings import get_settings
from fulfilment.hours import SHOWN_TIME, shown_time
from locations.locations import hours_today
from server.navigation import role_links

#: Page packages with a `templates/` folder; later packages join here.
TEMPLATE_PACKAGES = ("server", "storefront", "store_pos", "backoffice")


def format_fen(amount: int | None, currency: str = "CNY") -> str:
    """Render integer fen as `¥12.34` (never through a float)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    yuan, fen = divmod(abs(int(amount)), 100)
    symbol = "¥" if currency == "CNY" else f"{currency} "
    return f"{sign}{symbol}{yuan:,}.{fen:02d}"


def format_distance(metres: float | int | None) -> str:
    """Render a distance as `850 m` or `3.2 km`."""
    if metres is None:
        return ""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def local_time(value: datetime | str | None, fmt: str = SHOWN_TIME) -> str:
    """The `local_time` filter: a moment in China time (see `fulfilment.hours.shown_time`)."""
    return shown_time(value, fmt)


def today_hours(opening_hours: list[str] | None) -> str:
    """Today's opening hours (China time) of a store's Monday-first week ("" when closed)."""
    return hours_today(list(opening_hours or []), datetime.now(UTC))


def label(code: object) -> str:
    """A code a page shows (a status, an event kind, a fixed note) in the current language.

    Anything that is not a known code (a carrier name, a staff member's reason, a store name)
    comes back as it is. The result is always a plain `str`, never `Markup` and never
    `%`-formatted, so Jinja escapes it like any other value: data shown through `label` cannot
    inject markup and cannot break the page with a stray `%`.
    """
    if code is None:
        return ""
    return gettext(str(code))


@pass_context
def _current_user(context: Any) -> Any:
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def _flashes(context: Any) -> list[dict[str, Any]]:
    """Flash messages of the session, or none where no session ran (e.g. a 404 route)."""
    request = context.get("request")
    if request is None or not isinstance(request.scope.get("session"), dict):
        return []
    return get_flashes(context)


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    # Checking every template file's modification time on every render (a stat per
    # template and include) is for editing templates while serving: development only.
    env.auto_reload = get_settings().debug
    env.add_extension("jinja2.ext.i18n")
    # Old-style callables: `_()` returns a plain str, which autoescape escapes. Jinja's
    # new-style gettext would wrap its argument in `Markup` and `%`-format it, turning any data
    # passed to `_()` into unescaped HTML (and a literal `%` into a 500). Templates translate
    # string literals with `_()` and show data through `label()` (a test holds them to it).
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters["fen"] = format_fen
    env.filters["distance"] = format_distance
    env.filters["local_time"] = local_time
    env.filters["hours_today"] = today_hours
    env.globals["label"] = label
    env.globals["current_user"] = _current_user
    env.globals["current_locale"] = current_locale.get
    env.globals["flashes"] = _flashes
    env.globals["role_links"] = role_links


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The one template configuration of the app."""
    directories: list[Path | PathLike[Any] | str] = [
        ROOT / package / "templates"
        for package in TEMPLATE_PACKAGES
        if (ROOT / package / "templates").is_dir()
    ]
    return TemplateConfig(
        directory=directories,
        engine=JinjaTemplateEngine,
        engine_callback=_configure,
    )
