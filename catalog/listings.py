"""Product listing workflow: suppliers submit and edit, the operator reviews (商品审核 → 上架).

States: pending_review → listed (approved) or rejected (with a reason); listed ⇄ delisted.
Editing a product that is not listed puts it back in review. Editing a LISTED product does
not take it off the shelf: the edit is kept in `pending_edit` and consumers keep seeing the
reviewed version until the operator approves the edit (then it replaces the listed one)
or rejects it (then it is dropped and the reason shown to the supplier).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from piccolo.columns import Column

from accounts.roles import CurrentUser, Role
from catalog.catalog_cache import cached
from catalog.errors import (
    CategoryNotFound,
    DuplicateSku,
    InvalidProduct,
    NotYourProduct,
    ProductNotFound,
    ProductStateError,
    SupplierStateError,
)
from catalog.products import VariantInput, check_variants, create_product, search_text_for
from catalog.search_index import index_product
from catalog.tables import Category, Product, Supplier, Variant
from core.database import write_transaction
from core.errors import DomainError, InvalidInput, PermissionDenied


@dataclass(frozen=True, slots=True)
class ProductInput:
    """Everything a supplier fills in for a product."""

    category_id: int
    name: str
    variants: list[VariantInput]
    specs: dict[str, list[str]] = field(default_factory=dict)
    name_en: str = ""
    brand: str = ""
    description: str = ""
    image: str = ""
    images: list[str] = field(default_factory=list)


def visible_to_consumers() -> Any:
    """The one rule of what consumers may see: listed products of active suppliers."""
    return (Product.status == "listed") & (Product.supplier.status == "active")


def _input_to_json(data: ProductInput) -> dict[str, Any]:
    return asdict(data)


def _input_from_json(raw: dict[str, Any]) -> ProductInput:
    variants = [VariantInput(**v) for v in raw["variants"]]
    return ProductInput(**{**raw, "variants": variants})


async def _active_supplier_of(user: CurrentUser) -> int:
    if user.role is not Role.SUPPLIER or user.supplier_id is None:
        raise PermissionDenied("Only supplier staff can manage products")
    status = await Supplier.select(Supplier.status).where(Supplier.id == user.supplier_id).first()
    if status is None or status["status"] != "active":
        raise SupplierStateError(
            "Your shop is not active: accept the agreement, or ask the operator to reinstate it"
        )
    return user.supplier_id


async def _product_row(product_id: int) -> dict[str, Any]:
    row = await Product.select().where(Product.id == product_id).output(load_json=True).first()
    if row is None:
        raise ProductNotFound("No product {id}", id=product_id)
    return row


def _check_scope(user: CurrentUser, row: dict[str, Any]) -> None:
    """Operators see every product; supplier staff only their own supplier's."""
    if user.role is Role.OPERATOR:
        return
    if not user.acts_for_supplier(row["supplier"]):
        raise NotYourProduct("This product belongs to another supplier")


async def product_problems(data: ProductInput, product_id: int | None = None) -> list[DomainError]:
    """Everything wrong with a product, in the order the form reads (empty when it is fine).

    Forms show every problem at once; the services refuse with the first one.
    """
    problems: list[DomainError] = []
    if not data.name.strip():
        problems.append(InvalidProduct("A product needs a name"))
    if not data.variants:
        problems.append(InvalidProduct("A product needs at least one variant"))
    seen: set[str] = set()
    for variant in data.variants:
        if variant.sku.strip() and variant.sku in seen:
            problems.append(DuplicateSku("SKU {sku} appears twice", sku=variant.sku))
            continue
        seen.add(variant.sku)
        try:
            check_variants(data.specs, [variant])
        except DomainError as problem:
            problems.append(problem)
    for path in [data.image, *data.images]:
        if path and (not path.startswith("/media/") or ".." in path):
            problems.append(
                InvalidProduct("Images must be uploaded first; {path} is not one", path=path)
            )
    if not await Category.exists().where(Category.id == data.category_id):
        problems.append(CategoryNotFound("No category {id}", id=data.category_id))
    query = Variant.select(Variant.sku).where(
        Variant.sku.is_in([v.sku.strip() for v in data.variants] or [""])
    )
    if product_id is not None:
        query = query.where(Variant.product != product_id)
    problems += [DuplicateSku("SKU {sku} is already used", sku=r["sku"]) for r in await query]
    return problems


async def _check_input(data: ProductInput, product_id: int | None = None) -> None:
    problems = await product_problems(data, product_id)
    if problems:
        raise problems[0]


async def submit_product(user: CurrentUser, data: ProductInput) -> int:
    """A supplier creates a product; it waits in the operator's review queue."""
    supplier_id = await _active_supplier_of(user)
    await _check_input(data)
    return await create_product(
        supplier_id=supplier_id,
        category_id=data.category_id,
        name=data.name,
        name_en=data.name_en,
        brand=data.brand,
        description=data.description,
        image=data.image,
        images=data.images,
        specs=data.specs,
        variants=data.variants,
        status="pending_review",
    )


async def _apply(product_id: int, data: ProductInput) -> None:
    """Write an edit to the product and its variants (SKUs matched by code)."""
    await Product.update(
        {
            Product.category: data.category_id,
            Product.name: data.name.strip(),
            Product.name_en: data.name_en.strip(),
            Product.brand: data.brand.strip(),
            Product.description: data.description,
            Product.image: data.image,
            Product.images: data.images,
            Product.specs: data.specs,
            Product.search_text: await search_text_for(
                name=data.name,
                name_en=data.name_en,
                brand=data.brand,
                category_id=data.category_id,
                skus=[v.sku.strip() for v in data.variants],
            ),
        }
    ).where(Product.id == product_id)
    existing = {
        r["sku"]: r["id"]
        for r in await Variant.select(Variant.id, Variant.sku).where(Variant.product == product_id)
    }
    wanted = {v.sku.strip() for v in data.variants}
    for v in data.variants:
        values: dict[Column | str, Any] = {
            Variant.options: v.options,
            Variant.price: v.price,
            Variant.barcode: v.barcode.strip(),
            Variant.weight_g: v.weight_g,
            Variant.is_active: True,
        }
        if v.sku.strip() in existing:
            await Variant.update(values).where(Variant.id == existing[v.sku.strip()])
        else:
            await Variant.insert(
                Variant(
                    product=product_id,
                    sku=v.sku.strip(),
                    options=v.options,
                    price=v.price,
                    barcode=v.barcode.strip(),
                    weight_g=v.weight_g,
                )
            )
    # Variants left out are retired, not deleted: stock and past orders refer to them.
    gone = [vid for sku, vid in existing.items() if sku not in wanted]
    if gone:
        await Variant.update({Variant.is_active: False}).where(Variant.id.is_in(gone))
    await index_product(product_id)


async def edit_product(user: CurrentUser, product_id: int, data: ProductInput) -> str:
    """A supplier edits its product; returns the product's status afterwards.

    A listed product keeps its reviewed version on sale; the edit waits for review.
    """
    await _active_supplier_of(user)
    async with write_transaction():
        row = await _product_row(product_id)
        _check_scope(user, row)
        await _check_input(data, product_id)
        if row["status"] == "listed":
            await Product.update(
                {Product.pending_edit: _input_to_json(data), Product.review_note: ""}
            ).where(Product.id == product_id)
            return "listed"
        await _apply(product_id, data)
        await Product.update(
            {Product.status: "pending_review", Product.review_note: "", Product.pending_edit: None}
        ).where(Product.id == product_id)
    return "pending_review"


async def approve_product(product_id: int) -> None:
    """The operator approves a new product (it is listed) or a listed product's edit."""
    async with write_transaction():
        row = await _product_row(product_id)
        if row["pending_edit"]:
            await _apply(product_id, _input_from_json(row["pending_edit"]))
            await Product.update({Product.pending_edit: None, Product.review_note: ""}).where(
                Product.id == product_id
            )
            return
        if row["status"] != "pending_review":
            raise ProductStateError("This product is not waiting for review")
        await Product.update({Product.status: "listed", Product.review_note: ""}).where(
            Product.id == product_id
        )


async def reject_product(product_id: int, reason: str) -> None:
    """The operator rejects a new product or an edit, with a reason the supplier sees."""
    if not reason.strip():
        raise InvalidInput("Please give the reason for rejecting")
    async with write_transaction():
        row = await _product_row(product_id)
        if row["pending_edit"]:
            await Product.update(
                {Product.pending_edit: None, Product.review_note: reason.strip()}
            ).where(Product.id == product_id)
            return
        if row["status"] != "pending_review":
            raise ProductStateError("This product is not waiting for review")
        await Product.update(
            {Product.status: "rejected", Product.review_note: reason.strip()}
        ).where(Product.id == product_id)


async def set_listed(user: CurrentUser, product_id: int, listed: bool) -> None:
    """Delist a listed product, or relist a delisted one (it was reviewed already)."""
    async with write_transaction():
        row = await _product_row(product_id)
        _check_scope(user, row)
        before, after = ("delisted", "listed") if listed else ("listed", "delisted")
        if row["status"] != before:
            raise ProductStateError(
                "Only a {before} product can become {after}", before=before, after=after
            )
        await Product.update({Product.status: after}).where(Product.id == product_id)


async def _with_prices(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        return rows
    prices = await Variant.select(Variant.product, Variant.price).where(
        Variant.product.is_in([r["id"] for r in rows]),
        Variant.is_active == True,  # noqa: E712
    )
    lowest: dict[int, int] = {}
    for p in prices:
        lowest[p["product"]] = min(p["price"], lowest.get(p["product"], p["price"]))
    return [r | {"price_from": lowest.get(r["id"], 0)} for r in rows]


_SUMMARY = (
    Product.id,
    Product.name,
    Product.name_en,
    Product.image,
    Product.status,
    Product.review_note,
    Product.supplier.id.as_alias("supplier_id"),
    Product.supplier.name.as_alias("supplier_name"),
    Product.category.name_zh.as_alias("category_name"),
)


async def supplier_products(user: CurrentUser) -> list[dict[str, Any]]:
    """A supplier's own products, newest first, with status and any pending edit."""
    if user.supplier_id is None:
        raise PermissionDenied("Only supplier staff can manage products")
    rows = (
        await Product.select(*_SUMMARY, Product.pending_edit)
        .where(Product.supplier == user.supplier_id)
        .order_by(Product.id, ascending=False)
        .output(load_json=True)
    )
    return await _with_prices(rows)


async def review_queue() -> list[dict[str, Any]]:
    """New products and edits of listed products that wait for the operator."""
    rows = (
        await Product.select(*_SUMMARY, Product.pending_edit)
        .where((Product.status == "pending_review") | Product.pending_edit.is_not_null())
        .order_by(Product.id)
        .output(load_json=True)
    )
    return await _with_prices(rows)


async def _detail(row: dict[str, Any], *, all_variants: bool) -> dict[str, Any]:
    variants = (
        Variant.select()
        .where(Variant.product == row["id"])
        .order_by(Variant.id)
        .output(load_json=True)
    )
    if not all_variants:
        variants = variants.where(Variant.is_active == True)  # noqa: E712
    supplier = (
        await Supplier.select(Supplier.id, Supplier.name, Supplier.status)
        .where(Supplier.id == row["supplier"])
        .first()
    )
    category = await Category.select().where(Category.id == row["category"]).first()
    found = await variants
    return row | {
        "variants": found,
        "price_from": min((v["price"] for v in found if v["is_active"]), default=0),
        "supplier_id": row["supplier"],
        "supplier_name": supplier["name"] if supplier else "",
        "category_row": category,
        "gallery": [i for i in [row["image"], *(row["images"] or [])] if i],
    }


async def listed_product(product_id: int) -> dict[str, Any]:
    """A product as consumers see it; 404 unless listed by an active supplier.

    Cached until the catalog changes: treat the answer as read-only.
    """
    return await cached(("listed_product", product_id), lambda: _listed_product(product_id))


async def _listed_product(product_id: int) -> dict[str, Any]:
    row = (
        await Product.select()
        .where(Product.id == product_id)
        .where(visible_to_consumers())
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise ProductNotFound("No product {id}", id=product_id)
    detail = await _detail(row, all_variants=False)
    if not detail["variants"]:
        raise ProductNotFound("No product {id}", id=product_id)
    return detail


async def product_for_staff(user: CurrentUser, product_id: int) -> dict[str, Any]:
    """A product with its review state, for its supplier's staff or the operator."""
    row = await _product_row(product_id)
    _check_scope(user, row)
    detail = await _detail(row, all_variants=True)
    if row["pending_edit"]:
        detail["pending"] = _input_from_json(row["pending_edit"])
    return detail


def input_of(detail: dict[str, Any]) -> ProductInput:
    """The current (or pending) content of a product as an edit form starts from."""
    if "pending" in detail:
        return detail["pending"]
    return ProductInput(
        category_id=detail["category"],
        name=detail["name"],
        name_en=detail["name_en"],
        brand=detail["brand"],
        description=detail["description"],
        image=detail["image"],
        images=list(detail["images"] or []),
        specs=dict(detail["specs"] or {}),
        variants=[
            VariantInput(
                sku=v["sku"],
                price=v["price"],
                options=dict(v["options"] or {}),
                barcode=v["barcode"],
                weight_g=v["weight_g"],
            )
            for v in detail["variants"]
            if v["is_active"]
        ],
    )
