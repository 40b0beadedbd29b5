"""Operator console pages: supplier review, product review, the category tree."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import OPERATORS, Me
from accounts.roles import CurrentUser
from backoffice.supplier.forms import parse_int, parse_yuan, text
from catalog import categories, listings, onboarding, synonyms
from core.errors import DomainError
from core.i18n import gettext

SUPPLIER_TABS = ("applied", "approved", "active", "rejected", "suspended")


def _flat(nodes: list[categories.CategoryNode], depth: int = 0) -> list[tuple[int, Any]]:
    """The tree as (depth, node) rows in display order."""
    rows: list[tuple[int, Any]] = []
    for node in nodes:
        rows.append((depth, node))
        rows.extend(_flat(node.children, depth + 1))
    return rows


async def _supplier_page(
    supplier_id: int, *, error: str | None = None, status: int = 200
) -> Template:
    return Template(
        "backoffice/operator_supplier.html",
        context={"supplier": await onboarding.supplier_detail(supplier_id), "error": error},
        status_code=status,
    )


async def _product_page(
    me: CurrentUser, product_id: int, *, error: str | None = None, status: int = 200
) -> Template:
    return Template(
        "backoffice/operator_product.html",
        context={
            "product": await listings.product_for_staff(me, product_id),
            "category_names": {
                node.id: node.name_zh for _, node in _flat(await categories.category_tree())
            },
            "error": error,
        },
        status_code=status,
    )


async def _categories_page(error: str | None = None, status: int = 200) -> Template:
    tree = await categories.category_tree()
    return Template(
        "backoffice/operator_categories.html",
        context={"rows": _flat(tree), "error": error},
        status_code=status,
    )


class OperatorPages(Controller):
    """`/operator/*` pages."""

    include_in_schema = False

    @get("/operator", opt=OPERATORS)
    async def dashboard(self) -> Template:
        """Work queues at a glance and links to every operator page."""
        return Template(
            "backoffice/operator_dashboard.html",
            context={
                "applied": len(await onboarding.suppliers("applied")),
                "suppliers": len(await onboarding.suppliers()),
                "products": len(await listings.review_queue()),
                "categories": len(_flat(await categories.category_tree())),
                "synonym_groups": len(await synonyms.synonym_groups()),
            },
        )

    @get("/operator/suppliers", opt=OPERATORS)
    async def suppliers(self, status: FromQuery[str] = "applied") -> Template:
        """Suppliers by status; `applied` is the review queue."""
        return Template(
            "backoffice/operator_suppliers.html",
            context={
                "suppliers": await onboarding.suppliers(status or None),
                "status": status,
                "tabs": SUPPLIER_TABS,
            },
        )

    @get("/operator/suppliers/{supplier_id:int}", opt=OPERATORS)
    async def supplier(self, supplier_id: FromPath[int]) -> Template:
        """One application or supplier with its documents and the next steps."""
        return await _supplier_page(supplier_id)

    @post("/operator/suppliers/{supplier_id:int}/{action:str}", opt=OPERATORS)
    async def supplier_action(
        self, request: Request[Any, Any, Any], supplier_id: FromPath[int], action: FromPath[str]
    ) -> Template | Redirect:
        """Approve, reject, suspend or reinstate a supplier."""
        form = await request.form()
        try:
            if action == "approve":
                await onboarding.approve(
                    supplier_id,
                    commission_bp=round(
                        parse_yuan(text(form, "commission_percent") or "5", "Commission rate")
                    ),
                    deposit=parse_yuan(text(form, "deposit") or "0", "Deposit"),
                )
            elif action == "reject":
                await onboarding.reject(supplier_id, text(form, "reason"))
            elif action == "suspend":
                await onboarding.suspend(supplier_id, text(form, "reason"))
            elif action == "reinstate":
                await onboarding.reinstate(supplier_id)
            else:
                return await _supplier_page(
                    supplier_id, error=gettext("Unknown action"), status=404
                )
        except DomainError as error:
            return await _supplier_page(
                supplier_id, error=error.localized(), status=error.status_code
            )
        flash(request, gettext("Saved"), "success")
        return Redirect(f"/operator/suppliers/{supplier_id}")

    @get("/operator/products", opt=OPERATORS)
    async def products(self) -> Template:
        """New products and edits waiting for review."""
        return Template(
            "backoffice/operator_products.html", context={"products": await listings.review_queue()}
        )

    @get("/operator/products/{product_id:int}", opt=OPERATORS)
    async def product(self, me: Me, product_id: FromPath[int]) -> Template:
        """A product (and any pending edit) with the review buttons."""
        return await _product_page(me, product_id)

    @post("/operator/products/{product_id:int}/{action:str}", opt=OPERATORS)
    async def product_action(
        self,
        me: Me,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        action: FromPath[str],
    ) -> Template | Redirect:
        """Approve, reject, delist or relist a product."""
        form = await request.form()
        try:
            if action == "approve":
                await listings.approve_product(product_id)
            elif action == "reject":
                await listings.reject_product(product_id, text(form, "reason"))
            elif action in ("delist", "relist"):
                await listings.set_listed(me, product_id, listed=action == "relist")
            else:
                return await _product_page(
                    me, product_id, error=gettext("Unknown action"), status=404
                )
        except DomainError as error:
            return await _product_page(
                me, product_id, error=error.localized(), status=error.status_code
            )
        flash(request, gettext("Saved"), "success")
        if action in ("approve", "reject"):
            return Redirect("/operator/products")
        return Redirect(f"/operator/products/{product_id}")

    @get("/operator/categories", opt=OPERATORS)
    async def category_tree_page(self) -> Template:
        """The category tree with forms to add, rename, move, reorder and delete."""
        return await _categories_page()

    @post("/operator/categories", opt=OPERATORS)
    async def create_category(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Add a category."""
        form = await request.form()
        try:
            parent = text(form, "parent_id")
            await categories.create_category(
                slug=text(form, "slug"),
                name_zh=text(form, "name_zh"),
                name_en=text(form, "name_en"),
                parent_id=int(parent) if parent.isdigit() else None,
                position=parse_int(text(form, "position"), "position"),
            )
        except DomainError as error:
            return await _categories_page(error.localized(), error.status_code)
        flash(request, gettext("Saved"), "success")
        return Redirect("/operator/categories")

    @post("/operator/categories/{category_id:int}", opt=OPERATORS)
    async def update_category(
        self, request: Request[Any, Any, Any], category_id: FromPath[int]
    ) -> Template | Redirect:
        """Rename, move or reorder a category."""
        form = await request.form()
        try:
            parent = text(form, "parent_id")
            await categories.update_category(
                category_id,
                name_zh=text(form, "name_zh"),
                name_en=text(form, "name_en"),
                position=parse_int(text(form, "position"), "position"),
                move=True,
                parent_id=int(parent) if parent.isdigit() else None,
            )
        except DomainError as error:
            return await _categories_page(error.localized(), error.status_code)
        flash(request, gettext("Saved"), "success")
        return Redirect("/operator/categories")

    @post("/operator/categories/{category_id:int}/delete", opt=OPERATORS)
    async def delete_category(
        self, request: Request[Any, Any, Any], category_id: FromPath[int]
    ) -> Template | Redirect:
        """Delete an empty category."""
        try:
            await categories.delete_category(category_id)
        except DomainError as error:
            return await _categories_page(error.localized(), error.status_code)
        flash(request, gettext("Category deleted"), "success")
        return Redirect("/operator/categories")
