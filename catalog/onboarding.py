"""Supplier onboarding: apply, review, agreement, suspension (申请入驻 → 审核 → 签订协议).

States: applied → approved (operator) → active (agreement accepted and the entry fee and
deposit paid: settlement reports the payment with `mark_dues_paid`); applied → rejected
(operator, with a reason) → applied again when the applicant resubmits; active ⇄ suspended.
The applicant's account becomes staff of the supplier when the operator approves it, so
it can sign the agreement in the supplier console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accounts.roles import CurrentUser, Role
from accounts.users import grant_supplier_role
from catalog.errors import SupplierNotFound, SupplierStateError
from catalog.tables import Supplier, SupplierDocument
from catalog.uploads import remove_private_documents, save_private_document
from core.database import write_transaction
from core.errors import InvalidInput, PermissionDenied
from core.settings import get_settings

#: The platform agreement in force; a new text gets a new version.
AGREEMENT_VERSION = "2026-11"
AGREEMENT_TEXT = {
    "zh-CN": (
        "快取平台商家入驻协议（2026-11 版）\n"
        "1. 商家保证所售商品为正品，资质文件真实有效。\n"
        "2. 平台按约定佣金率从每笔成交中收取佣金，保证金用于保障消费者权益。\n"
        "3. 商品须经平台审核后方可上架；违规商品平台有权下架，情节严重的暂停店铺。\n"
        "4. 商家负责按时发货与门店备货，并处理退换货。"
    ),
    "en": (
        "Kuaiqu platform merchant agreement (version 2026-11)\n"
        "1. The merchant sells genuine goods and its qualification documents are valid.\n"
        "2. The platform takes the agreed commission on each sale; the deposit protects "
        "consumers.\n"
        "3. Products are listed only after the platform's review; the platform may delist "
        "products that break the rules and suspend the shop for serious breaches.\n"
        "4. The merchant ships and stocks stores on time and handles returns."
    ),
}
#: At most this many documents per application.
MAX_DOCUMENTS = 5


@dataclass(frozen=True, slots=True)
class Application:
    """What an applicant fills in."""

    name: str
    company_name: str
    licence_no: str
    tax_no: str
    contact_name: str
    contact_phone: str
    contact_email: str
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded document: a title and its bytes."""

    title: str
    data: bytes


def check_application(app: Application) -> None:
    """Refuse an application with a missing field or a malformed licence or tax number."""
    for label, value in (
        ("Shop name", app.name),
        ("Company name", app.company_name),
        ("Business licence number", app.licence_no),
        ("Tax number", app.tax_no),
        ("Contact name", app.contact_name),
        ("Contact phone", app.contact_phone),
        ("Contact email", app.contact_email),
    ):
        if not value.strip():
            raise InvalidInput("{field} is required", field=label)
    for label, value in (("Business licence number", app.licence_no), ("Tax number", app.tax_no)):
        value = value.strip()
        if not (15 <= len(value) <= 20 and value.isalnum()):
            raise InvalidInput("{field} must be 15 to 20 letters and digits", field=label)


def _fields(app: Application) -> dict[Any, Any]:
    return {
        Supplier.name: app.name.strip(),
        Supplier.company_name: app.company_name.strip(),
        Supplier.licence_no: app.licence_no.strip().upper(),
        Supplier.tax_no: app.tax_no.strip().upper(),
        Supplier.contact_name: app.contact_name.strip(),
        Supplier.contact_phone: app.contact_phone.strip(),
        Supplier.contact_email: app.contact_email.strip(),
        Supplier.intro: app.intro.strip(),
    }


async def _store_documents(supplier_id: int, documents: list[Upload], saved: list[str]) -> None:
    """Store the files and their rows.

    `saved` collects the file names written, so the caller can remove them when its
    transaction does not commit.
    """
    if len(documents) > MAX_DOCUMENTS:
        raise InvalidInput("At most {n} documents per application", n=MAX_DOCUMENTS)
    for doc in documents:
        stored, kind = save_private_document(doc.data, label=doc.title or "Document")
        saved.append(stored)
        await SupplierDocument.insert(
            SupplierDocument(
                supplier=supplier_id,
                title=(doc.title or kind.extension.upper())[:100],
                stored_name=stored,
                content_type=kind.content_type,
                size=len(doc.data),
            )
        )


async def application_of(user: CurrentUser) -> dict[str, Any] | None:
    """The supplier a person applied for or works for, or None."""
    query = Supplier.select()
    if user.supplier_id is not None:
        query = query.where(Supplier.id == user.supplier_id)
    else:
        query = query.where(Supplier.applicant_id == user.id)
    return await query.order_by(Supplier.id, ascending=False).first()


async def apply(user: CurrentUser, app: Application, documents: list[Upload]) -> int:
    """File an application with its qualification documents; returns the supplier id."""
    if user.role is not Role.CONSUMER:
        raise PermissionDenied("Only a customer account can apply to become a supplier")
    check_application(app)
    if not documents:
        raise InvalidInput("Please upload at least one qualification document")
    saved: list[str] = []
    try:
        async with write_transaction():
            if await application_of(user) is not None:
                raise SupplierStateError(
                    "You have already applied; see your application to follow or resubmit it"
                )
            row = await Supplier.insert(Supplier(status="applied", applicant_id=user.id)).returning(
                Supplier.id
            )
            supplier_id: int = row[0]["id"]
            await Supplier.update(_fields(app)).where(Supplier.id == supplier_id)
            await _store_documents(supplier_id, documents, saved)
    except BaseException:
        remove_private_documents(saved)  # no row points at them: do not leave them behind
        raise
    return supplier_id


async def resubmit(
    user: CurrentUser, supplier_id: int, app: Application, documents: list[Upload]
) -> None:
    """Answer a rejection: corrected details (and documents) go back to the review queue."""
    check_application(app)
    saved: list[str] = []
    try:
        async with write_transaction():
            row = await _get(supplier_id)
            if row["applicant_id"] != user.id:
                raise PermissionDenied("This is not your application")
            if row["status"] != "rejected":
                raise SupplierStateError("Only a rejected application can be resubmitted")
            await Supplier.update({**_fields(app), Supplier.status: "applied"}).where(
                Supplier.id == supplier_id
            )
            await _store_documents(supplier_id, documents, saved)
    except BaseException:
        remove_private_documents(saved)
        raise


async def _get(supplier_id: int) -> dict[str, Any]:
    row = await Supplier.select().where(Supplier.id == supplier_id).first()
    if row is None:
        raise SupplierNotFound("No supplier {id}", id=supplier_id)
    return row


async def _move(supplier_id: int, allowed_from: tuple[str, ...], values: dict[Any, Any]) -> None:
    """One conditional update: the supplier moves only from an allowed state."""
    row = await _get(supplier_id)
    if row["status"] not in allowed_from:
        raise SupplierStateError(
            "The supplier is {status}; this step needs {allowed}",
            status=row["status"],
            allowed=" / ".join(allowed_from),
        )
    await (
        Supplier.update(values)
        .where(Supplier.id == supplier_id)
        .where(Supplier.status == row["status"])
    )


def entry_fee() -> int:
    """The entry fee (入驻费) a new supplier pays, in fen (KUAIQU_SUPPLIER_ENTRY_FEE)."""
    return get_settings().supplier_entry_fee


async def approve(supplier_id: int, *, commission_bp: int, deposit: int | None = None) -> None:
    """Approve an application with its commission rate and deposit; the applicant joins it.

    `deposit` defaults to KUAIQU_SUPPLIER_DEPOSIT. With no entry fee and no deposit due
    there is nothing to pay, and the supplier goes active once it accepts the agreement.
    """
    if deposit is None:
        deposit = get_settings().supplier_deposit
    if not 0 <= commission_bp <= 5000:
        raise InvalidInput("The commission rate must be between 0 and 50 %")
    if deposit < 0:
        raise InvalidInput("The deposit cannot be negative")
    async with write_transaction():
        await _move(
            supplier_id,
            ("applied",),
            {
                Supplier.status: "approved",
                Supplier.review_note: "",
                Supplier.commission_bp: commission_bp,
                Supplier.deposit: deposit,
                Supplier.dues_paid_at: (datetime.now(UTC) if deposit + entry_fee() == 0 else None),
            },
        )
        row = await _get(supplier_id)
        if row["applicant_id"] is not None:
            await grant_supplier_role(row["applicant_id"], supplier_id)


async def reject(supplier_id: int, reason: str) -> None:
    """Reject an application with a reason the applicant sees."""
    if not reason.strip():
        raise InvalidInput("Please give the reason for rejecting")
    async with write_transaction():
        await _move(
            supplier_id,
            ("applied",),
            {Supplier.status: "rejected", Supplier.review_note: reason.strip()},
        )


async def accept_agreement(user: CurrentUser, version: str) -> None:
    """The supplier's staff accept the platform agreement.

    The supplier becomes active at once when its entry fee and deposit are paid, else when
    they are (`mark_dues_paid`).
    """
    if user.supplier_id is None:
        raise PermissionDenied("Only supplier staff can accept the agreement")
    if version != AGREEMENT_VERSION:
        raise InvalidInput("The agreement in force is version {version}", version=AGREEMENT_VERSION)
    async with write_transaction():
        row = await _get(user.supplier_id)
        await _move(
            user.supplier_id,
            ("approved",),
            {
                Supplier.status: "active" if row["dues_paid_at"] is not None else "approved",
                Supplier.agreement_version: version,
                Supplier.agreement_accepted_by: user.id,
                Supplier.agreement_accepted_at: datetime.now(UTC),
            },
        )


async def mark_dues_paid(supplier_id: int) -> bool:
    """The entry fee and deposit are paid: active now if the agreement is accepted.

    Returns whether the supplier is active. Repeats change nothing.
    """
    async with write_transaction():
        row = await _get(supplier_id)
        if row["dues_paid_at"] is None:
            await Supplier.update({Supplier.dues_paid_at: datetime.now(UTC)}).where(
                Supplier.id == supplier_id
            )
        if row["status"] == "approved" and row["agreement_version"] == AGREEMENT_VERSION:
            await _move(supplier_id, ("approved",), {Supplier.status: "active"})
            return True
        return row["status"] == "active"


async def suspend(supplier_id: int, reason: str) -> None:
    """Suspend an active supplier: its products leave the storefront at once."""
    if not reason.strip():
        raise InvalidInput("Please give the reason for suspending")
    async with write_transaction():
        await _move(
            supplier_id,
            ("active",),
            {Supplier.status: "suspended", Supplier.review_note: reason.strip()},
        )


async def reinstate(supplier_id: int) -> None:
    """Reinstate a suspended supplier: its listed products are visible again."""
    async with write_transaction():
        await _move(
            supplier_id, ("suspended",), {Supplier.status: "active", Supplier.review_note: ""}
        )


async def suppliers(status: str | None = None) -> list[dict[str, Any]]:
    """Suppliers (optionally of one status), oldest application first."""
    query = Supplier.select().order_by(Supplier.id)
    if status:
        query = query.where(Supplier.status == status)
    return await query


async def supplier_detail(supplier_id: int) -> dict[str, Any]:
    """A supplier with its documents (for the operator and its own staff)."""
    row = await _get(supplier_id)
    row["documents"] = (
        await SupplierDocument.select(
            SupplierDocument.id,
            SupplierDocument.title,
            SupplierDocument.content_type,
            SupplierDocument.size,
            SupplierDocument.created_at,
        )
        .where(SupplierDocument.supplier == supplier_id)
        .order_by(SupplierDocument.id)
    )
    return row


async def document_for(user: CurrentUser, document_id: int) -> dict[str, Any]:
    """A document's record, if this person may see it (operator, applicant, own staff)."""
    row = (
        await SupplierDocument.select(
            *SupplierDocument.all_columns(),
            SupplierDocument.supplier._.applicant_id.as_alias("applicant_id"),
        )
        .where(SupplierDocument.id == document_id)
        .first()
    )
    if row is None:
        raise SupplierNotFound("No document {id}", id=document_id)
    allowed = (
        user.role is Role.OPERATOR
        or user.acts_for_supplier(row["supplier"])
        or row["applicant_id"] == user.id
    )
    if not allowed:
        raise PermissionDenied("You may not open this document")
    return row
