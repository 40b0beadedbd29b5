"""Operator JSON API: supplier review, product review, the category tree."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts.access import OPERATORS, Me
from accounts.roles import CurrentUser
from backoffice.supplier.console_api import ApplicationOut, application_out, staff_product_out
from catalog import categories, listings, onboarding
from core.types import BasisPoints, Id, Money, Position, ShortText


class ApproveSupplierBody(msgspec.Struct):
    """Commission in basis points (500 = 5 %) and deposit in fen (default: the configured one)."""

    commission_bp: BasisPoints = 500
    deposit: Money | None = None


class ReasonBody(msgspec.Struct):
    """Why: shown to the supplier."""

    reason: ShortText


class CategoryBody(msgspec.Struct):
    """A new category."""

    slug: ShortText
    name_zh: ShortText
    name_en: ShortText = ""
    parent_id: Id | None = None
    position: Position = 0


class CategoryPatch(msgspec.Struct):
    """Rename, reorder, or move (set `move` and `parent_id`, null for the top level)."""

    name_zh: ShortText | None = None
    name_en: ShortText | None = None
    position: Position | None = None
    move: bool = False
    parent_id: Id | None = None


def tree_out(nodes: list[categories.CategoryNode]) -> list[dict[str, Any]]:
    """The category forest as JSON."""
    return [
        {
            "id": n.id,
            "slug": n.slug,
            "name_zh": n.name_zh,
            "name_en": n.name_en,
            "parent_id": n.parent_id,
            "children": tree_out(n.children),
        }
        for n in nodes
    ]


async def _product_json(me: CurrentUser, product_id: int) -> dict[str, Any]:
    return staff_product_out(await listings.product_for_staff(me, product_id))


class OperatorApi(Controller):
    """`/api/operator/*`: the platform operator's work queues."""

    path = "/api/operator"
    tags = ["operator"]

    @get("/suppliers", opt=OPERATORS)
    async def suppliers(self, status: FromQuery[str | None] = None) -> list[ApplicationOut]:
        """Suppliers, optionally of one status (applied is the review queue)."""
        return [application_out(r) for r in await onboarding.suppliers(status)]

    @get("/suppliers/{supplier_id:int}", opt=OPERATORS)
    async def supplier(self, supplier_id: FromPath[int]) -> ApplicationOut:
        """One supplier with its qualification documents."""
        return application_out(await onboarding.supplier_detail(supplier_id))

    @post("/suppliers/{supplier_id:int}/approve", status_code=HTTP_200_OK, opt=OPERATORS)
    async def approve_supplier(
        self, supplier_id: FromPath[int], data: JSONBody[ApproveSupplierBody]
    ) -> ApplicationOut:
        """Approve an application; the applicant becomes its staff and signs the agreement."""
        await onboarding.approve(
            supplier_id, commission_bp=data.commission_bp, deposit=data.deposit
        )
        return application_out(await onboarding.supplier_detail(supplier_id))

    @post("/suppliers/{supplier_id:int}/reject", status_code=HTTP_200_OK, opt=OPERATORS)
    async def reject_supplier(
        self, supplier_id: FromPath[int], data: JSONBody[ReasonBody]
    ) -> ApplicationOut:
        """Reject an application with a reason; the applicant may resubmit."""
        await onboarding.reject(supplier_id, data.reason)
        return application_out(await onboarding.supplier_detail(supplier_id))

    @post("/suppliers/{supplier_id:int}/suspend", status_code=HTTP_200_OK, opt=OPERATORS)
    async def suspend_supplier(
        self, supplier_id: FromPath[int], data: JSONBody[ReasonBody]
    ) -> ApplicationOut:
        """Suspend a supplier: its products leave the storefront."""
        await onboarding.suspend(supplier_id, data.reason)
        return application_out(await onboarding.supplier_detail(supplier_id))

    @post("/suppliers/{supplier_id:int}/reinstate", status_code=HTTP_200_OK, opt=OPERATORS)
    async def reinstate_supplier(self, supplier_id: FromPath[int]) -> ApplicationOut:
        """Reinstate a suspended supplier."""
        await onboarding.reinstate(supplier_id)
        return application_out(await onboarding.supplier_detail(supplier_id))

    @get("/products/review", opt=OPERATORS)
    async def product_queue(self) -> list[dict[str, Any]]:
        """New products and edits of listed products waiting for review."""
        return [
            {
                "id": r["id"],
                "name": r["name"],
                "supplier_id": r["supplier_id"],
                "supplier_name": r["supplier_name"],
                "status": r["status"],
                "edit_pending": bool(r["pending_edit"]),
                "price_from": r["price_from"],
            }
            for r in await listings.review_queue()
        ]

    @get("/products/{product_id:int}", opt=OPERATORS)
    async def product(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """A product in any state, with a pending edit if there is one."""
        return await _product_json(me, product_id)

    @post("/products/{product_id:int}/approve", status_code=HTTP_200_OK, opt=OPERATORS)
    async def approve_product(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """List a new product, or publish a listed product's pending edit."""
        await listings.approve_product(product_id)
        return await _product_json(me, product_id)

    @post("/products/{product_id:int}/reject", status_code=HTTP_200_OK, opt=OPERATORS)
    async def reject_product(
        self, me: Me, product_id: FromPath[int], data: JSONBody[ReasonBody]
    ) -> dict[str, Any]:
        """Reject a new product or an edit, with a reason the supplier sees."""
        await listings.reject_product(product_id, data.reason)
        return await _product_json(me, product_id)

    @post("/products/{product_id:int}/delist", status_code=HTTP_200_OK, opt=OPERATORS)
    async def delist_product(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """Take a listed product off the shelf."""
        await listings.set_listed(me, product_id, listed=False)
        return await _product_json(me, product_id)

    @post("/products/{product_id:int}/relist", status_code=HTTP_200_OK, opt=OPERATORS)
    async def relist_product(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """Put a delisted product back on the shelf."""
        await listings.set_listed(me, product_id, listed=True)
        return await _product_json(me, product_id)

    @get("/categories", opt=OPERATORS)
    async def category_list(self) -> list[dict[str, Any]]:
        """The whole category tree."""
        return tree_out(await categories.category_tree())

    @post("/categories", status_code=HTTP_201_CREATED, opt=OPERATORS)
    async def create_category(self, data: JSONBody[CategoryBody]) -> dict[str, int]:
        """Add a category at the top or under a parent."""
        category_id = await categories.create_category(
            slug=data.slug,
            name_zh=data.name_zh,
            name_en=data.name_en,
            parent_id=data.parent_id,
            position=data.position,
        )
        return {"id": category_id}

    @patch("/categories/{category_id:int}", opt=OPERATORS)
    async def update_category(
        self, category_id: FromPath[int], data: JSONBody[CategoryPatch]
    ) -> list[dict[str, Any]]:
        """Rename, reorder or move a category; returns the tree."""
        await categories.update_category(
            category_id,
            name_zh=data.name_zh,
            name_en=data.name_en,
            position=data.position,
            move=data.move,
            parent_id=data.parent_id,
        )
        return tree_out(await categories.category_tree())

    @delete("/categories/{category_id:int}", status_code=HTTP_204_NO_CONTENT, opt=OPERATORS)
    async def delete_category(self, category_id: FromPath[int]) -> None:
        """Delete an empty category (409 while it has products or sub-categories)."""
        await categories.delete_category(category_id)
