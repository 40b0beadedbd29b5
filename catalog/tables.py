"""Catalog tables: suppliers, categories, products and their variants (SKUs)."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Supplier(Table):
    """A company that sells through the platform (the first B)."""

    #: Shop name shown to consumers.
    name = Varchar(length=100)
    company_name = Varchar(length=200)
    #: 统一社会信用代码 on the business licence.
    licence_no = Varchar(length=32)
    tax_no = Varchar(length=32)
    contact_name = Varchar(length=50)
    contact_phone = Varchar(length=32)
    contact_email = Varchar(length=254)
    intro = Text(default="")
    #: applied | rejected | approved | active | suspended
    status = Varchar(length=16, default="applied", index=True)
    #: Commission taken by the platform, in basis points (500 = 5 %).
    commission_bp = Integer(default=500)
    #: Security deposit paid to the platform, in fen.
    deposit = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Category(Table):
    """A node of the category tree the operator manages."""

    slug = Varchar(length=64, unique=True)
    name_zh = Varchar(length=64)
    name_en = Varchar(length=64)
    parent = ForeignKey(references="self", null=True, default=None)
    position = Integer(default=0)


class Product(Table):
    """What a supplier sells; consumers see it once the operator has listed it."""

    supplier = ForeignKey(references=Supplier, index=True)
    category = ForeignKey(references=Category, index=True)
    name = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    brand = Varchar(length=100, default="")
    description = Text(default="")
    #: Path under /media of the main image.
    image = Varchar(length=255, default="")
    #: Spec names and their values, e.g. {"颜色": ["黑", "白"], "存储": ["256GB"]}.
    specs = JSON(default={})
    #: draft | pending_review | listed | rejected | delisted
    status = Varchar(length=16, default="draft", index=True)
    #: Units sold, for sorting search results by sales.
    sales_count = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Variant(Table):
    """One purchasable SKU of a product, with its own price and barcode."""

    product = ForeignKey(references=Product, index=True)
    sku = Varchar(length=64, unique=True)
    #: One value per spec of the product, e.g. {"颜色": "黑", "存储": "256GB"}.
    options = JSON(default={})
    #: Price in fen.
    price = Integer()
    currency = Varchar(length=3, default="CNY")
    #: EAN-13 printed on the goods; the POS scanner reads it.
    barcode = Varchar(length=32, default="", index=True)
    weight_g = Integer(default=0)
    is_active = Boolean(default=True)
