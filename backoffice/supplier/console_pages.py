"""Supplier console pages: apply to join, sign the agreement, products and shop."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.access import SIGNED_IN, SUPPLIERS, Me, supplier_id_of
from accounts.roles import CurrentUser
from backoffice.supplier.forms import (
    APPLICATION_FIELDS,
    application_from,
    member_level,
    member_price_fen,
    one_upload,
    read_product_form,
    text,
    uploads_from,
)
from catalog import listings, onboarding, shops
from catalog.categories import category_tree
from catalog.listings import ProductInput
from catalog.uploads import save_public_image
from core.errors import DomainError
from core.i18n import current_locale, gettext
from members.levels import all_levels
from members.member_prices import MemberPriceInput, member_prices_of, set_member_prices
from notifications.roles import tell_operators_of_application, tell_operators_of_product

#: Empty variant rows offered below the existing ones on the product form.
BLANK_ROWS = 3


def _agreement_text() -> str:
    return onboarding.AGREEMENT_TEXT["zh-CN" if current_locale.get() == "zh-CN" else "en"]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _view_of(data: ProductInput) -> dict[str, Any]:
    """A product input as the form shows it (prices in yuan, options as text)."""
    return {
        "name": data.name,
        "name_en": data.name_en,
        "brand": data.brand,
        "description": data.description,
        "category_id": data.category_id,
        "image": data.image,
        "images": data.images,
        "specs_text": "\n".join(f"{k}: {', '.join(v)}" for k, v in data.specs.items()),
        "rows": [
            {
                "sku": v.sku,
                "price": _yuan(v.price),
                "options": "; ".join(f"{k}={val}" for k, val in v.options.items()),
                "barcode": v.barcode,
                "weight_g": str(v.weight_g or ""),
            }
            for v in data.variants
        ],
    }


def _view_of_form(form: Any) -> dict[str, Any]:
    """Exactly what was typed, to show the form again after an error."""
    columns = ("sku", "price", "options", "barcode", "weight_g")
    values = [form.getall(c, []) for c in columns]
    rows = [
        dict(zip(columns, (str(x) for x in row), strict=True)) for row in zip(*values, strict=False)
    ]
    return {
        "name": text(form, "name"),
        "name_en": text(form, "name_en"),
        "brand": text(form, "brand"),
        "description": text(form, "description"),
        "category_id": int(text(form, "category_id") or 0)
        if text(form, "category_id").isdigit()
        else 0,
        "image": text(form, "current_image"),
        "images": list(form.getall("current_images", [])),
        "specs_text": text(form, "specs"),
        "rows": [r for r in rows if any(v.strip() for v in r.values())],
    }


async def _product_form(
    *,
    product: dict[str, Any] | None,
    view: dict[str, Any] | None,
    error: str | None,
    status: int = 200,
    problems: list[str] | None = None,
) -> Template:
    member_prices: dict[int, Any] = {}
    if product is not None:
        member_prices = await member_prices_of(v["id"] for v in product["variants"])
    return Template(
        "backoffice/supplier_product_form.html",
        context={
            "product": product,
            "member_prices": member_prices,
            "member_levels": await all_levels(),
            "view": view or {"rows": [], "images": []},
            "blank_rows": BLANK_ROWS,
            "categories": await category_tree(),
            "error": error,
            "problems": problems or [],
        },
        status_code=status,
    )


async def _images_of(
    form: Any, *, keep_image: str, keep_images: list[str]
) -> tuple[str, list[str]]:
    """The main image and the gallery after this form: new uploads replace the old ones."""
    main = await one_upload(form, "image_file")
    image = save_public_image(main, "products", label="Main image") if main else keep_image
    extra = await uploads_from(form, "gallery_files")
    if extra:
        keep_images = [save_public_image(f.data, "products", label=f.title) for f in extra]
    return image, keep_images


class SupplierPages(Controller):
    """`/supplier/*` pages."""

    include_in_schema = False

    @get("/supplier/apply", opt=SIGNED_IN)
    async def apply_page(
        self,
        me: Me,
    ) -> Template | Redirect:
        """The application form (or my application, once filed)."""
        if await onboarding.application_of(me) is not None:
            return Redirect("/supplier/application")
        return Template(
            "backoffice/supplier_apply.html", context={"form": {}, "error": None, "resubmit": False}
        )

    @post("/supplier/apply", opt=SIGNED_IN)
    async def apply_submit(self, me: Me, request: Request[Any, Any, Any]) -> Template | Redirect:
        """File the application with its documents."""
        form = await request.form()
        try:
            supplier_id = await onboarding.apply(
                me, application_from(form), await uploads_from(form, "documents")
            )
            await tell_operators_of_application(supplier_id)
        except DomainError as error:
            return Template(
                "backoffice/supplier_apply.html",
                context={
                    "form": {name: text(form, name) for name in APPLICATION_FIELDS},
                    "error": error.localized(),
                    "resubmit": False,
                },
                status_code=error.status_code,
            )
        flash(request, gettext("Application sent: the platform will review it"), "success")
        return Redirect("/supplier/application")

    @get("/supplier/application", opt=SIGNED_IN)
    async def application(
        self,
        me: Me,
    ) -> Template | Redirect:
        """Where my application stands, with the reason when it was rejected."""
        row = await onboarding.application_of(me)
        if row is None:
            return Redirect("/supplier/apply")
        return Template(
            "backoffice/supplier_application.html",
            context={"supplier": await onboarding.supplier_detail(row["id"]), "error": None},
        )

    @post("/supplier/application", opt=SIGNED_IN)
    async def resubmit(self, me: Me, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Answer a rejection with corrected details and documents."""
        row = await onboarding.application_of(me)
        if row is None:
            return Redirect("/supplier/apply")
        form = await request.form()
        try:
            await onboarding.resubmit(
                me, row["id"], application_from(form), await uploads_from(form, "documents")
            )
            await tell_operators_of_application(row["id"])  # back in the review queue
        except DomainError as error:
            return Template(
                "backoffice/supplier_application.html",
                context={
                    "supplier": await onboarding.supplier_detail(row["id"]),
                    "error": error.localized(),
                },
                status_code=error.status_code,
            )
        flash(request, gettext("Application sent: the platform will review it"), "success")
        return Redirect("/supplier/application")

    @get("/supplier", opt=SUPPLIERS)
    async def dashboard(
        self,
        me: Me,
    ) -> Template:
        """The supplier console: agreement to sign, or products, shop, stock, fulfilments."""
        supplier_id = supplier_id_of(me)
        products = await listings.supplier_products(me)
        counts: dict[str, int] = {}
        for p in products:
            counts[p["status"]] = counts.get(p["status"], 0) + 1
        return Template(
            "backoffice/supplier_dashboard.html",
            context={
                "supplier": await onboarding.supplier_detail(supplier_id),
                "counts": counts,
                "total": len(products),
                "agreement_version": onboarding.AGREEMENT_VERSION,
                "agreement_text": _agreement_text(),
            },
        )

    @post("/supplier/agreement", opt=SUPPLIERS)
    async def accept_agreement(self, me: Me, request: Request[Any, Any, Any]) -> Redirect:
        """Sign the platform agreement: the shop becomes active."""
        form = await request.form()
        if text(form, "accept") != "yes":
            flash(request, gettext("Tick the box to accept the agreement"), "error")
            return Redirect("/supplier")
        await onboarding.accept_agreement(me, text(form, "version"))
        assert me.supplier_id is not None  # accept_agreement refuses anyone else
        if (await onboarding.supplier_detail(me.supplier_id))["status"] == "active":
            flash(request, gettext("Agreement signed: your shop is open"), "success")
            return Redirect("/supplier")
        flash(
            request,
            gettext("Agreement signed: pay the entry fee and the deposit to open your shop"),
            "success",
        )
        return Redirect("/supplier/money")

    @get("/supplier/products", opt=SUPPLIERS)
    async def products(
        self,
        me: Me,
    ) -> Template:
        """My products with their review state."""
        return Template(
            "backoffice/supplier_products.html",
            context={"products": await listings.supplier_products(me)},
        )

    @get("/supplier/products/new", opt=SUPPLIERS)
    async def new_product(self) -> Template:
        """The form for a new product."""
        return await _product_form(product=None, view=None, error=None)

    @post("/supplier/products", opt=SUPPLIERS)
    async def create_product(self, me: Me, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Submit a new product for review."""
        form = await request.form()
        try:
            image, images = await _images_of(
                form, keep_image=text(form, "current_image"), keep_images=[]
            )
            data, problems = read_product_form(form, image=image, images=images)
            problems += [p.localized() for p in await listings.product_problems(data)]
            if problems:
                return await _product_form(
                    product=None,
                    view=_view_of_form(form),
                    error=None,
                    status=400,
                    problems=problems,
                )
            product_id = await listings.submit_product(me, data)
            await tell_operators_of_product(product_id)
        except DomainError as error:
            return await _product_form(
                product=None,
                view=_view_of_form(form),
                error=error.localized(),
                status=error.status_code,
            )
        flash(request, gettext("Product sent for review"), "success")
        return Redirect("/supplier/products")

    @get("/supplier/products/{product_id:int}", opt=SUPPLIERS)
    async def edit_page(self, me: Me, product_id: FromPath[int]) -> Template:
        """The edit form of one of my products, with its review state."""
        detail = await listings.product_for_staff(me, product_id)
        return await _product_form(
            product=detail, view=_view_of(listings.input_of(detail)), error=None
        )

    @post("/supplier/products/{product_id:int}", opt=SUPPLIERS)
    async def edit_submit(
        self, me: Me, request: Request[Any, Any, Any], product_id: FromPath[int]
    ) -> Template | Redirect:
        """Save an edit: back to review, or (for a listed product) a pending edit."""
        detail = await listings.product_for_staff(me, product_id)
        form = await request.form()
        try:
            image, images = await _images_of(
                form,
                keep_image=text(form, "current_image"),
                keep_images=list(form.getall("current_images", [])),
            )
            data, problems = read_product_form(form, image=image, images=images)
            problems += [p.localized() for p in await listings.product_problems(data, product_id)]
            if problems:
                return await _product_form(
                    product=detail,
                    view=_view_of_form(form),
                    error=None,
                    status=400,
                    problems=problems,
                )
            status = await listings.edit_product(me, product_id, data)
            await tell_operators_of_product(product_id)  # every edit waits for the review
        except DomainError as error:
            return await _product_form(
                product=detail,
                view=_view_of_form(form),
                error=error.localized(),
                status=error.status_code,
            )
        message = (
            "Edit sent for review; the listed version stays on sale until it is approved"
            if status == "listed"
            else "Product sent for review"
        )
        flash(request, gettext(message), "success")
        return Redirect("/supplier/products")

    @post("/supplier/products/{product_id:int}/member-prices", opt=SUPPLIERS)
    async def member_prices_submit(
        self, me: Me, request: Request[Any, Any, Any], product_id: FromPath[int]
    ) -> Template | Redirect:
        """Save the member prices (会员价) typed per variant; they apply at once."""
        detail = await listings.product_for_staff(me, product_id)
        form = await request.form()
        try:
            prices = [
                MemberPriceInput(
                    v["id"],
                    member_price_fen(text(form, f"member_price_{v['id']}")),
                    member_level(text(form, f"member_level_{v['id']}")),
                )
                for v in detail["variants"]
            ]
            await set_member_prices(supplier_id_of(me), product_id, prices)
        except DomainError as error:
            return await _product_form(
                product=detail,
                view=_view_of(listings.input_of(detail)),
                error=error.localized(),
                status=error.status_code,
            )
        flash(request, gettext("Member prices saved"), "success")
        return Redirect(f"/supplier/products/{product_id}")

    @post("/supplier/products/{product_id:int}/delist", opt=SUPPLIERS)
    async def delist(
        self, me: Me, request: Request[Any, Any, Any], product_id: FromPath[int]
    ) -> Redirect:
        """Take a product off the shelf."""
        await listings.set_listed(me, product_id, listed=False)
        flash(request, gettext("Product delisted"), "success")
        return Redirect("/supplier/products")

    @post("/supplier/products/{product_id:int}/relist", opt=SUPPLIERS)
    async def relist(
        self, me: Me, request: Request[Any, Any, Any], product_id: FromPath[int]
    ) -> Redirect:
        """Put a product back on the shelf."""
        await listings.set_listed(me, product_id, listed=True)
        flash(request, gettext("Product listed again"), "success")
        return Redirect("/supplier/products")

    @get("/supplier/shop", opt=SUPPLIERS)
    async def shop_page(
        self,
        me: Me,
    ) -> Template:
        """The shop decoration form."""
        return await _shop_form(me, error=None)

    @post("/supplier/shop", opt=SUPPLIERS)
    async def shop_submit(self, me: Me, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Save the shop decoration (new logo or banner replace the old ones)."""
        form = await request.form()
        try:
            logo = await one_upload(form, "logo_file")
            banner = await one_upload(form, "banner_file")
            featured = [int(v) for v in form.getall("featured", []) if str(v).isdigit()]
            await shops.update_shop(
                me,
                shops.ShopInput(
                    name=text(form, "name"),
                    intro=text(form, "intro"),
                    layout=text(form, "layout"),
                    featured_product_ids=featured,
                    logo=save_public_image(logo, "shops", label="Logo") if logo else None,
                    banner=save_public_image(banner, "shops", label="Banner") if banner else None,
                ),
            )
        except DomainError as error:
            return await _shop_form(me, error=error.localized(), status=error.status_code)
        flash(request, gettext("Shop saved"), "success")
        return Redirect("/supplier/shop")


async def _shop_form(user: CurrentUser, *, error: str | None, status: int = 200) -> Template:
    return Template(
        "backoffice/supplier_shop.html",
        context={
            "shop": await shops.shop_settings(supplier_id_of(user)),
            "products": await listings.supplier_products(user),
            "layouts": shops.LAYOUTS,
            "error": error,
        },
        status_code=status,
    )
