"""Errors of the catalog domain."""

from server.errors import Conflict, InvalidInput, NotFound


class SupplierNotFound(NotFound):
    """No supplier with that id."""

    code = "supplier_not_found"


class CategoryNotFound(NotFound):
    """No category with that id."""

    code = "category_not_found"


class ProductNotFound(NotFound):
    """No product with that id visible to the caller."""

    code = "product_not_found"


class DuplicateSku(Conflict):
    """A SKU code is already used by another variant."""

    code = "duplicate_sku"


class InvalidProduct(InvalidInput):
    """A product or variant breaks a catalog rule (price, specs, options)."""

    code = "invalid_product"
