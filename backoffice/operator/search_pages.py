"""Operator page for the search synonym groups (`/operator/search/synonyms`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import OPERATORS
from backoffice.supplier.forms import text
from catalog import synonyms
from core.errors import DomainError
from core.i18n import gettext

PAGE = "/operator/search/synonyms"


async def _page(error: str | None = None, status: int = 200, typed: str = "") -> Template:
    return Template(
        "backoffice/operator_synonyms.html",
        context={"groups": await synonyms.synonym_groups(), "error": error, "typed": typed},
        status_code=status,
    )


class OperatorSearchPages(Controller):
    """List, add, edit and delete synonym groups."""

    include_in_schema = False

    @get(PAGE, opt=OPERATORS)
    async def synonyms_page(self) -> Template:
        """The groups, each with a form to edit or delete it, and one to add a group."""
        return await _page()

    @post(PAGE, opt=OPERATORS)
    async def add(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Add a group typed as "a, b, c"."""
        form = await request.form()
        typed = ""
        try:
            typed = text(form, "terms")
            await synonyms.add_group(typed)
        except DomainError as error:
            return await _page(error.localized(), error.status_code, typed)
        flash(request, gettext("Saved"), "success")
        return Redirect(PAGE)

    @post(PAGE + "/{group_id:int}", opt=OPERATORS)
    async def edit(
        self, request: Request[Any, Any, Any], group_id: FromPath[int]
    ) -> Template | Redirect:
        """Replace a group's words."""
        form = await request.form()
        try:
            await synonyms.update_group(group_id, text(form, "terms"))
        except DomainError as error:
            return await _page(error.localized(), error.status_code)
        flash(request, gettext("Saved"), "success")
        return Redirect(PAGE)

    @post(PAGE + "/{group_id:int}/delete", opt=OPERATORS)
    async def remove(self, request: Request[Any, Any, Any], group_id: FromPath[int]) -> Redirect:
        """Delete a group."""
        await synonyms.delete_group(group_id)
        flash(request, gettext("Deleted"), "success")
        return Redirect(PAGE)
