"""Reading the supplier console's forms (and multipart API bodies) into domain inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.datastructures import UploadFile

from catalog.listings import ProductInput
from catalog.onboarding import Application, Upload
from catalog.products import VariantInput
from core.errors import DomainError, InvalidInput
from core.i18n import gettext
from core.types import (
    LONG_TEXT,
    MAX_INT32,
    MAX_MONEY_FEN,
    SHORT_TEXT,
    clean_text,
    parse_decimal,
    parse_whole,
)

APPLICATION_FIELDS = (
    "name",
    "company_name",
    "licence_no",
    "tax_no",
    "contact_name",
    "contact_phone",
    "contact_email",
    "intro",
)


#: Form fields that hold prose rather than a name or a number.
_LONG_FIELDS = frozenset({"intro", "description", "specs", "options", "note", "body", "address"})


def text(form: Any, name: str) -> str:
    """A text field of a form, empty when missing or a file.

    Bounded, without NUL or bidi override characters (else 400 naming the field).
    """
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    return clean_text(value, name, max_length=LONG_TEXT if name in _LONG_FIELDS else SHORT_TEXT)


def application_from(form: Any) -> Application:
    """The application fields of a form."""
    return Application(**{name: text(form, name) for name in APPLICATION_FIELDS})


async def uploads_from(form: Any, name: str) -> list[Upload]:
    """The files of a (possibly multiple) file field, skipping empty inputs."""
    found = []
    for item in form.getall(name, []):
        if isinstance(item, UploadFile) and item.filename:
            found.append(Upload(title=item.filename[:100], data=await item.read()))
    return found


async def one_upload(form: Any, name: str) -> bytes | None:
    """The bytes of a single file field, or None when nothing was chosen."""
    files = await uploads_from(form, name)
    return files[0].data if files else None


def parse_yuan(value: str, label: str) -> int:
    """`59.90` yuan (as typed) to 5990 fen, refusing what is not a price.

    NaN, Infinity, negative amounts, more than two decimals and amounts above the money
    bound are refused with a 400 naming the field.
    """
    amount = parse_decimal(value, label, places=2, high=Decimal(MAX_MONEY_FEN) / 100)
    return int(amount * 100)


def parse_int(value: str, label: str, default: int = 0) -> int:
    """A whole number typed into a form (weights, positions, ids), or `default` when empty.

    Bounded so it fits any integer column.
    """
    return parse_whole(value, label, low=-MAX_INT32, high=MAX_INT32, default=default)


def parse_specs(raw: str) -> dict[str, list[str]]:
    """`颜色: 黑, 白` per line to {"颜色": ["黑", "白"]}."""
    specs: dict[str, list[str]] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        name, sep, values = line.replace("：", ":").partition(":")
        items = [v.strip() for v in values.replace("，", ",").split(",") if v.strip()]
        if not sep or not name.strip() or not items:
            raise InvalidInput("Write each spec as “name: value, value” ({line})", line=line)
        specs[name.strip()] = items
    return specs


def parse_options(raw: str) -> dict[str, str]:
    """`颜色=黑; 尺码=M` to {"颜色": "黑", "尺码": "M"}."""
    options: dict[str, str] = {}
    for part in raw.replace("；", ";").split(";"):
        if not part.strip():
            continue
        name, sep, value = part.replace("＝", "=").partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InvalidInput(
                "Write variant options as “spec=value; spec=value” ({part})", part=part
            )
        options[name.strip()] = value.strip()
    return options


def product_input_from(form: Any, *, image: str, images: list[str]) -> ProductInput:
    """A product form (one row per variant) as a ProductInput."""
    variants = []
    rows = zip(
        form.getall("sku", []),
        form.getall("price", []),
        form.getall("options", []),
        form.getall("barcode", []),
        form.getall("weight_g", []),
        strict=False,
    )
    for sku, price, options, barcode, weight in rows:
        if not str(sku).strip() and not str(price).strip():
            continue
        variants.append(
            VariantInput(
                sku=str(sku).strip(),
                price=parse_yuan(str(price), str(sku) or "price"),
                options=parse_options(str(options)),
                barcode=str(barcode).strip(),
                weight_g=parse_int(str(weight), "weight_g"),
            )
        )
    return ProductInput(
        category_id=parse_int(text(form, "category_id"), "category_id", default=0),
        name=text(form, "name"),
        name_en=text(form, "name_en"),
        brand=text(form, "brand"),
        description=text(form, "description"),
        specs=parse_specs(text(form, "specs")),
        variants=variants,
        image=image,
        images=images,
    )


def read_product_form(
    form: Any, *, image: str, images: list[str]
) -> tuple[ProductInput, list[str]]:
    """A product form as a ProductInput, with every problem found reading it (not only the first).

    A variant row that cannot be read (a price that is not a price, options not written as
    `spec=value`) is left out of the input and named in the problems by its row number.
    """
    problems: list[str] = []

    def field(read: Any, default: Any, prefix: str = "") -> Any:
        try:
            return read()
        except DomainError as error:
            problems.append(prefix + error.localized())
            return default

    variants = []
    rows = zip(
        form.getall("sku", []),
        form.getall("price", []),
        form.getall("options", []),
        form.getall("barcode", []),
        form.getall("weight_g", []),
        strict=False,
    )
    for number, (sku, price, options, barcode, weight) in enumerate(rows, start=1):
        if not str(sku).strip() and not str(price).strip() and not str(options).strip():
            continue
        before = len(problems)
        prefix = gettext("Variant {n}").format(n=number) + ": "
        fen = field(lambda p=price, s=sku: parse_yuan(str(p), str(s) or "price"), 0, prefix)
        chosen = field(lambda o=options: parse_options(str(o)), {}, prefix)
        grams = field(lambda w=weight: parse_int(str(w), "weight_g"), 0, prefix)
        if len(problems) == before:
            variants.append(
                VariantInput(
                    sku=str(sku).strip(),
                    price=fen,
                    options=chosen,
                    barcode=str(barcode).strip(),
                    weight_g=grams,
                )
            )
    data = ProductInput(
        category_id=field(
            lambda: parse_int(text(form, "category_id"), "category_id", default=0), 0
        ),
        name=field(lambda: text(form, "name"), ""),
        name_en=field(lambda: text(form, "name_en"), ""),
        brand=field(lambda: text(form, "brand"), ""),
        description=field(lambda: text(form, "description"), ""),
        specs=field(lambda: parse_specs(text(form, "specs")), {}),
        variants=variants,
        image=image,
        images=images,
    )
    return data, problems


def member_price_fen(typed: str) -> int:
    """A member price typed in yuan ("89", "89.50") as fen; empty: 0 (no member price)."""
    if not typed.strip():
        return 0
    value = parse_decimal(typed, gettext("Member price"), places=2, high=Decimal(MAX_MONEY_FEN))
    return int(value * 100)


def member_level(typed: str) -> int | None:
    """The member level chosen for a member price (None when none was chosen)."""
    return parse_whole(typed, "level_id", low=0, high=MAX_INT32) or None
