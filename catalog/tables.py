"""Catalog tables: suppliers, categories, products and their variants (SKUs)."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from catalog.catalog_cache import TracksCatalogChanges


class Supplier(TracksCatalogChanges, Table):
    """A company that sells through the platform (the first B)."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

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
    #: Security deposit the supplier pays the platform (set at approval), in fen; what was
    #: paid, deducted and refunded is in settlement's deposit ledger.
    deposit = BigInt(default=0)
    #: When the entry fee and deposit were paid (null: not yet, or none were due).
    dues_paid_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    #: The account that applied (server.User id); it becomes the supplier's staff.
    applicant_id = BigInt(null=True, default=None, index=True)
    #: Why the operator rejected the application (shown to the applicant), or why suspended.
    review_note = Text(default="")
    #: Version of the platform agreement accepted, empty until accepted.
    agreement_version = Varchar(length=16, default="")
    #: Account (server.User id) that accepted the agreement, and when.
    agreement_accepted_by = BigInt(null=True, default=None)
    agreement_accepted_at = Timestamptz(null=True, default=None)
    #: Shop decoration: image paths under /media, layout template, featured product ids.
    logo = Varchar(length=255, default="")
    banner = Varchar(length=255, default="")
    layout = Varchar(length=16, default="grid")
    featured_product_ids = JSON(default=[])


class Category(TracksCatalogChanges, Table):
    """A node of the category tree the operator manages."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    slug = Varchar(length=64, unique=True)
    name_zh = Varchar(length=64)
    name_en = Varchar(length=64)
    parent: ForeignKey = ForeignKey(references="self", null=True, default=None)
    position = Integer(default=0)


class Product(TracksCatalogChanges, Table):
    """What a supplier sells; consumers see it once the operator has listed it."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

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
    sales_count = BigInt(default=0)
    #: `sales_count` as keyword search last saw it: copied from it every few seconds
    #: (`catalog.search_sales.refresh_search_sales`), not at each sale, since a trigger then
    #: rewrites the product's thirty-odd term rows (`SearchTerm`).
    search_sales = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    #: Further image paths under /media, after the main `image`.
    images = JSON(default=[])
    #: Lower-cased name, English name, brand and SKU codes: what keyword search matches.
    search_text = Text(default="")
    #: Why the operator rejected the product or its pending edit (shown to the supplier).
    review_note = Text(default="")
    #: An edit of a listed product awaiting review; the listed version stays visible.
    pending_edit = JSON(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    #: Consumer reviews of the product and the sum of their ratings (average = sum / count),
    #: kept up to date in the review's own transaction so lists never count reviews per row.
    review_count = BigInt(default=0)
    rating_sum = BigInt(default=0)
    #: Lowest price of the active variants (fen), kept by the search index for sorting.
    price_from = BigInt(default=0, index=True)
    #: `catalog.search_index.INDEX_VERSION` the product's search terms were built with
    #: (0: stale, to be rebuilt by the catch-up at start or after a category rename).
    search_version = Integer(default=0, index=True)


class SupplierDocument(Table):
    """A qualification document (licence scan, permit) uploaded with an application.

    Kept under `var/private`, never under /media: only the operator and the supplier's
    own staff may open it, through an authorised route.
    """

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    supplier = ForeignKey(references=Supplier, index=True)
    #: What the document is, e.g. 营业执照.
    title = Varchar(length=100)
    #: File name under the private documents folder.
    stored_name = Varchar(length=100)
    content_type = Varchar(length=64)
    size = BigInt()
    created_at = Timestamptz(default=TimestamptzNow())


class Variant(TracksCatalogChanges, Table):
    """One purchasable SKU of a product, with its own price and barcode."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    product = ForeignKey(references=Product, index=True)
    sku = Varchar(length=64, unique=True)
    #: One value per spec of the product, e.g. {"颜色": "黑", "存储": "256GB"}.
    options = JSON(default={})
    #: Price in fen.
    price = BigInt()
    currency = Varchar(length=3, default="CNY")
    #: EAN-13 printed on the goods; the POS scanner reads it.
    barcode = Varchar(length=32, default="", index=True)
    weight_g = Integer(default=0)
    is_active = Boolean(default=True)


class Review(TracksCatalogChanges, Table):
    """A consumer's rating of a product received through one order line, and the reply.

    `order_line_id` names a fulfilment.OrderLine (by id: catalog never imports fulfilment);
    it is unique, so each bought line is reviewed once. Null only for reviews imported with
    the demo catalogue, which came from no order on this platform.
    """

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    product = ForeignKey(references=Product, index=True)
    variant = ForeignKey(references=Variant, null=True, default=None)
    #: server.User id of the consumer who wrote it.
    author_id = BigInt(index=True)
    #: The author's name as shown to everyone, shortened when written (张伟 → 张*).
    author_display = Varchar(length=32, default="")
    #: fulfilment.Order id and fulfilment.OrderLine id the review is about.
    order_id = BigInt(null=True, default=None)
    order_line_id = BigInt(null=True, default=None, unique=True)
    #: 1 to 5 stars.
    rating = Integer()
    text = Text(default="")
    #: Path under /media of the consumer's photo, or empty.
    photo = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    #: The supplier's one public reply, who wrote it (server.User id) and when.
    reply = Text(default="")
    replied_at = Timestamptz(null=True, default=None)
    replied_by = BigInt(null=True, default=None)


class SearchTerm(Table):
    """One term a product is found by, with its weight (name words weigh most).

    Built by `catalog.search_index` from the name, brand, English name, categories, SKU codes
    and spec values: jieba words, their pinyin and initials, Latin/digit tokens. A raw
    covering index (term, product, weight) makes a query's lookups index-only.

    Each row also carries a copy of what search filters and sorts its product by (status,
    lowest price, sales as of `Product.search_sales`, brand, category, supplier), so a
    keyword search on PostgreSQL reads no product row (`catalog.search`). The index build
    writes them; a trigger on `product` keeps them equal to the product's own columns
    whenever those change (migration 2026-12-04T21:40).
    """

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    product = ForeignKey(references=Product, index=True)
    term = Varchar(length=64)
    weight = Integer(default=1)
    status = Varchar(length=16, default="")
    price_from = BigInt(default=0)
    sales_count = BigInt(default=0)
    brand = Varchar(length=100, default="")
    category = Integer(default=0)
    supplier = Integer(default=0)


class SearchFacet(Table):
    """A filterable value of a product: each value of each of its specs ("存储" = "256GB")."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    product = ForeignKey(references=Product, index=True)
    name = Varchar(length=64)
    value = Varchar(length=64)


class SynonymGroup(TracksCatalogChanges, Table):
    """Words the operator declares equivalent in search ("苹果, apple, iphone")."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: Normalised terms separated by commas.
    terms = Text()
    updated_at = Timestamptz(default=TimestamptzNow())
