"""Errors of the catalog domain."""

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


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


class SupplierStateError(Conflict):
    """The supplier is not in a state that allows this step."""

    code = "supplier_state"


class ProductStateError(Conflict):
    """The product is not in a state that allows this step."""

    code = "product_state"


class NotYourProduct(PermissionDenied):
    """Supplier staff touched another supplier's product."""

    code = "not_your_product"


class InvalidUpload(InvalidInput):
    """An uploaded file is of the wrong type or too large."""

    code = "invalid_upload"


class CategoryInUse(Conflict):
    """A category still holds products or children."""

    code = "category_in_use"


class ReviewNotFound(NotFound):
    """No such review (or product to review) visible to the caller."""

    code = "review_not_found"


class InvalidReview(InvalidInput):
    """A review or reply breaks a rule about its own content (rating, length)."""

    code = "invalid_review"


class ReviewConflict(Conflict):
    """The line is already reviewed, or the review already has its reply or photo."""

    code = "review_conflict"


class ReviewDenied(PermissionDenied):
    """Supplier staff tried to answer a review of another supplier's product."""

    code = "review_denied"


class SynonymGroupNotFound(NotFound):
    """No search synonym group with that id."""

    code = "synonym_group_not_found"
