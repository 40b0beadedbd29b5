"""Supplier JSON API: apply to join, the agreement, products, shop, documents."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.access import SIGNED_IN, SUPPLIERS, Me, supplier_id_of
from accounts.roles import CurrentUser
from backoffice.supplier.forms import application_from, one_upload, uploads_from
from catalog import listings, onboarding, shops
from catalog.listings import ProductInput
from catalog.products import VariantInput
from catalog.uploads import read_private_document, save_public_image
from core.errors import InvalidInput
from core.types import Count32, Id, LongText, Money, ShortText
from members.levels import all_levels
from members.member_prices import MemberPriceInput, member_prices_of, set_member_prices
from notifications.roles import tell_operators_of_application, tell_operators_of_product


class ApplicationOut(msgspec.Struct):
    """An application (a supplier) as its applicant or the operator sees it."""

    id: int
    status: str
    name: str
    company_name: str
    licence_no: str
    tax_no: str
    contact_name: str
    contact_phone: str
    contact_email: str
    review_note: str
    commission_bp: int
    deposit: int
    agreement_version: str
    documents: list[dict[str, Any]] = []
    currency: str = "CNY"


def application_out(row: dict[str, Any]) -> ApplicationOut:
    """A supplier row as JSON."""
    return ApplicationOut(
        id=row["id"],
        status=row["status"],
        name=row["name"],
        company_name=row["company_name"],
        licence_no=row["licence_no"],
        tax_no=row["tax_no"],
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        contact_email=row["contact_email"],
        review_note=row["review_note"],
        commission_bp=row["commission_bp"],
        deposit=row["deposit"],
        agreement_version=row["agreement_version"],
        documents=[
            {"id": d["id"], "title": d["title"], "url": f"/api/documents/{d['id']}"}
            for d in row.get("documents", [])
        ],
    )


class VariantBody(msgspec.Struct):
    """A SKU: code, price in fen, one value per spec, barcode, weight in grams."""

    sku: ShortText
    price: Money
    options: dict[ShortText, ShortText] = {}
    barcode: ShortText = ""
    weight_g: Count32 = 0


class ProductBody(msgspec.Struct):
    """A product as a supplier submits it; images are URLs from `POST /api/supplier/images`."""

    category_id: Id
    name: ShortText
    variants: Annotated[list[VariantBody], msgspec.Meta(max_length=100)]
    specs: dict[ShortText, list[ShortText]] = {}
    name_en: ShortText = ""
    brand: ShortText = ""
    description: LongText = ""
    image: ShortText = ""
    images: Annotated[list[ShortText], msgspec.Meta(max_length=20)] = []


class MemberPriceBody(msgspec.Struct):
    """A variant's member price (fen) for a member level and every level above it.

    `price` 0 removes the variant's member price.
    """

    variant_id: Id
    price: Money
    level_id: Id | None = None


class MemberPricesBody(msgspec.Struct):
    """Member prices of some of a product's variants."""

    prices: Annotated[list[MemberPriceBody], msgspec.Meta(max_length=100)]


class MemberPriceOut(msgspec.Struct):
    """A variant's member price and the lowest level that pays it."""

    variant_id: int
    price: int
    level_id: int
    level_zh: str
    level_en: str


class LevelOut(msgspec.Struct):
    """A member level: its id (for `level_id`), names and spend threshold (fen)."""

    id: int
    name_zh: str
    name_en: str
    min_spend: int


class AgreementBody(msgspec.Struct):
    """The version of the agreement being accepted."""

    version: ShortText


class ShopBody(msgspec.Struct):
    """Shop decoration; logo and banner are URLs from `POST /api/supplier/images`."""

    name: ShortText
    intro: LongText = ""
    layout: ShortText = "grid"
    featured_product_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] = []
    logo: ShortText | None = None
    banner: ShortText | None = None


def product_input(body: ProductBody) -> ProductInput:
    """A product body as the domain's input."""
    return ProductInput(
        category_id=body.category_id,
        name=body.name,
        name_en=body.name_en,
        brand=body.brand,
        description=body.description,
        image=body.image,
        images=list(body.images),
        specs=dict(body.specs),
        variants=[VariantInput(**msgspec.structs.asdict(v)) for v in body.variants],
    )


def staff_product_out(detail: dict[str, Any]) -> dict[str, Any]:
    """A product with its review state, for its supplier or the operator."""
    pending = detail.get("pending")
    return {
        "id": detail["id"],
        "name": detail["name"],
        "name_en": detail["name_en"],
        "brand": detail["brand"],
        "description": detail["description"],
        "category_id": detail["category"],
        "supplier_id": detail["supplier_id"],
        "status": detail["status"],
        "review_note": detail["review_note"],
        "image": detail["image"],
        "images": detail["images"] or [],
        "specs": detail["specs"] or {},
        "price_from": detail["price_from"],
        "variants": [
            {
                "id": v["id"],
                "sku": v["sku"],
                "price": v["price"],
                "options": v["options"] or {},
                "barcode": v["barcode"],
                "weight_g": v["weight_g"],
                "is_active": v["is_active"],
            }
            for v in detail["variants"]
        ],
        "pending_edit": msgspec.to_builtins(pending) if pending else None,
        "currency": "CNY",
    }


async def _shop_out(user: CurrentUser) -> dict[str, Any]:
    row = await shops.shop_settings(supplier_id_of(user))
    keys = ("id", "name", "intro", "logo", "banner", "layout", "featured_product_ids")
    return {key: row[key] for key in keys}


class SupplierApi(Controller):
    """`/api/suppliers/apply` and `/api/supplier/*`."""

    path = "/api"
    tags = ["supplier"]

    @post("/suppliers/apply", status_code=HTTP_201_CREATED, opt=SIGNED_IN)
    async def apply(self, me: Me, request: Request[Any, Any, Any]) -> ApplicationOut:
        """Apply to join (multipart: the application fields and `documents` files)."""
        form = await request.form()
        supplier_id = await onboarding.apply(
            me, application_from(form), await uploads_from(form, "documents")
        )
        await tell_operators_of_application(supplier_id)
        return application_out(await onboarding.supplier_detail(supplier_id))

    @get("/supplier/application", opt=SIGNED_IN)
    async def application(
        self,
        me: Me,
    ) -> ApplicationOut:
        """My application (or my supplier): status and the operator's reason if rejected."""
        row = await onboarding.application_of(me)
        if row is None:
            raise InvalidInput("You have not applied yet")
        return application_out(await onboarding.supplier_detail(row["id"]))

    @post("/supplier/application/resubmit", status_code=HTTP_200_OK, opt=SIGNED_IN)
    async def resubmit(self, me: Me, request: Request[Any, Any, Any]) -> ApplicationOut:
        """Answer a rejection with corrected fields and any further `documents`."""
        row = await onboarding.application_of(me)
        if row is None:
            raise InvalidInput("You have not applied yet")
        form = await request.form()
        await onboarding.resubmit(
            me, row["id"], application_from(form), await uploads_from(form, "documents")
        )
        await tell_operators_of_application(row["id"])  # back in the review queue
        return application_out(await onboarding.supplier_detail(row["id"]))

    @get("/supplier/agreement", opt=SIGNED_IN)
    async def agreement(self) -> dict[str, Any]:
        """The platform agreement in force, in Chinese and English."""
        return {"version": onboarding.AGREEMENT_VERSION, "text": onboarding.AGREEMENT_TEXT}

    @post("/supplier/agreement", status_code=HTTP_200_OK, opt=SUPPLIERS)
    async def accept_agreement(self, me: Me, data: JSONBody[AgreementBody]) -> ApplicationOut:
        """Accept the agreement: an approved supplier becomes active."""
        await onboarding.accept_agreement(me, data.version)
        return application_out(await onboarding.supplier_detail(supplier_id_of(me)))

    @post("/supplier/images", status_code=HTTP_201_CREATED, opt=SUPPLIERS)
    async def upload_image(self, request: Request[Any, Any, Any]) -> dict[str, str]:
        """Upload one image (multipart field `file`); returns its URL for products or shop."""
        data = await one_upload(await request.form(), "file")
        if data is None:
            raise InvalidInput("Please choose an image file")
        return {"url": save_public_image(data, "uploads", label="Image")}

    @get("/supplier/products", opt=SUPPLIERS)
    async def products(
        self,
        me: Me,
    ) -> list[dict[str, Any]]:
        """My supplier's products with status, reason of any rejection and pending edit."""
        return [
            {
                "id": r["id"],
                "name": r["name"],
                "status": r["status"],
                "review_note": r["review_note"],
                "edit_pending": bool(r["pending_edit"]),
                "price_from": r["price_from"],
            }
            for r in await listings.supplier_products(me)
        ]

    @post("/supplier/products", status_code=HTTP_201_CREATED, opt=SUPPLIERS)
    async def create_product(self, me: Me, data: JSONBody[ProductBody]) -> dict[str, Any]:
        """Submit a new product; it waits for the operator's review."""
        product_id = await listings.submit_product(me, product_input(data))
        await tell_operators_of_product(product_id)
        return staff_product_out(await listings.product_for_staff(me, product_id))

    @get("/supplier/products/{product_id:int}", opt=SUPPLIERS)
    async def product(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """One of my supplier's products (403 for another supplier's)."""
        return staff_product_out(await listings.product_for_staff(me, product_id))

    @patch("/supplier/products/{product_id:int}", opt=SUPPLIERS)
    async def edit_product(
        self,
        me: Me,
        product_id: FromPath[int],
        data: JSONBody[ProductBody],
    ) -> dict[str, Any]:
        """Edit a product; a listed one stays on sale unchanged until the edit is approved."""
        await listings.edit_product(me, product_id, product_input(data))
        await tell_operators_of_product(product_id)  # every edit waits for the review
        return staff_product_out(await listings.product_for_staff(me, product_id))

    @post(
        "/supplier/products/{product_id:int}/delist",
        status_code=HTTP_200_OK,
        opt=SUPPLIERS,
    )
    async def delist(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """Take a listed product off the shelf."""
        await listings.set_listed(me, product_id, listed=False)
        return staff_product_out(await listings.product_for_staff(me, product_id))

    @post(
        "/supplier/products/{product_id:int}/relist",
        status_code=HTTP_200_OK,
        opt=SUPPLIERS,
    )
    async def relist(self, me: Me, product_id: FromPath[int]) -> dict[str, Any]:
        """Put a delisted (already reviewed) product back on the shelf."""
        await listings.set_listed(me, product_id, listed=True)
        return staff_product_out(await listings.product_for_staff(me, product_id))

    @get("/supplier/member-levels", opt=SUPPLIERS)
    async def member_levels(self) -> list[LevelOut]:
        """The member levels a member price can be for (lowest threshold first)."""
        return msgspec.convert(await all_levels(), list[LevelOut], from_attributes=True)

    @get("/supplier/products/{product_id:int}/member-prices", opt=SUPPLIERS)
    async def member_prices(self, me: Me, product_id: FromPath[int]) -> list[MemberPriceOut]:
        """The member prices (会员价) of my product's variants."""
        detail = await listings.product_for_staff(me, product_id)
        found = await member_prices_of(v["id"] for v in detail["variants"])
        return msgspec.convert(list(found.values()), list[MemberPriceOut], from_attributes=True)

    @put("/supplier/products/{product_id:int}/member-prices", opt=SUPPLIERS)
    async def save_member_prices(
        self, me: Me, product_id: FromPath[int], data: JSONBody[MemberPricesBody]
    ) -> list[MemberPriceOut]:
        """Set member prices of my product's variants (price 0 removes one); applies at once."""
        await listings.product_for_staff(me, product_id)  # 403 for another supplier's
        saved = await set_member_prices(
            supplier_id_of(me),
            product_id,
            [MemberPriceInput(p.variant_id, p.price, p.level_id) for p in data.prices],
        )
        return msgspec.convert(list(saved.values()), list[MemberPriceOut], from_attributes=True)

    @get("/supplier/shop", opt=SUPPLIERS)
    async def shop(
        self,
        me: Me,
    ) -> dict[str, Any]:
        """My shop's decoration."""
        return await _shop_out(me)

    @patch("/supplier/shop", opt=SUPPLIERS)
    async def update_shop(self, me: Me, data: JSONBody[ShopBody]) -> dict[str, Any]:
        """Change name, intro, layout (grid | list | showcase), featured products, images."""
        await shops.update_shop(me, shops.ShopInput(**msgspec.structs.asdict(data)))
        return await _shop_out(me)

    @get("/documents/{document_id:int}", opt=SIGNED_IN)
    async def document(self, me: Me, document_id: FromPath[int]) -> Response[bytes]:
        """A qualification document, for the operator and the supplier's own people only."""
        row = await onboarding.document_for(me, document_id)
        return Response(
            read_private_document(row["stored_name"]),
            media_type=row["content_type"],
            headers={
                "Content-Disposition": "inline",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )
