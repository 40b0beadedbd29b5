"""Accounts service: register, authenticate, create users with a role, load the current user."""

from __future__ import annotations

import re

from accounts import user_cache
from accounts.passwords import (
    hash_password_async,
    verify_password_async,
)
from accounts.roles import CurrentUser, Role
from accounts.tables import StaffStore, User
from core.database import write_transaction
from core.errors import Conflict, InvalidInput

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


class InvalidCredentials(InvalidInput):
    """Wrong email or password (deliberately not saying which)."""

    status_code = 401
    code = "invalid_credentials"


class EmailUnavailable(Conflict):
    """Sign-up with an address that cannot be used (deliberately not saying why)."""

    code = "email_unavailable"


def normalise_email(email: str) -> str:
    """Trim and lower-case an email, refusing what cannot be an address."""
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise InvalidInput("{email} is not a valid email address", email=email or "''")
    return email


def login_key(email: str) -> str:
    """The email as accounts are looked up and login attempts counted (never raises)."""
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("The password must have at least {n} characters", n=MIN_PASSWORD_LENGTH)


async def create_user(
    *,
    email: str,
    password: str,
    name: str,
    role: Role = Role.CONSUMER,
    store_ids: list[int] | None = None,
    supplier_id: int | None = None,
    phone: str = "",
) -> CurrentUser:
    """Create an account with its role and scope, in one transaction."""
    email = normalise_email(email)
    check_password_strength(password)
    name = name.strip()
    if not name:
        raise InvalidInput("Please give a name")
    password_hash = await hash_password_async(password)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            # Neutral: the answer does not repeat the address or confirm it has an account.
            raise EmailUnavailable(
                "This email cannot be used to sign up; if it is yours, log in instead"
            )
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            role=role.value,
            supplier_id=supplier_id,
            phone=phone,
        )
        await user.save()
        for location_id in store_ids or []:
            await StaffStore(user=user.id, location_id=location_id).save()
    return CurrentUser(
        id=user.id,
        email=email,
        name=name,
        role=role,
        store_ids=tuple(store_ids or ()),
        supplier_id=supplier_id,
    )


async def register_consumer(*, email: str, password: str, name: str) -> CurrentUser:
    """Self-service sign-up: always a consumer account."""
    return await create_user(email=email, password=password, name=name, role=Role.CONSUMER)


async def authenticate(email: str, password: str) -> CurrentUser:
    """Return the account for a correct email and password, else raise InvalidCredentials.

    An unknown or disabled account costs the same hashing time as a wrong password, so the
    answer's timing does not tell which emails have accounts.
    """
    row = await User.select().where(User.email == login_key(email)).first()
    usable = row is not None and row["is_active"]
    known_hash = row["password_hash"] if usable and row is not None else None
    if not await verify_password_async(known_hash, password) or row is None:
        raise InvalidCredentials("Wrong email or password")
    return await _to_current_user(row)


async def load_user(user_id: int) -> CurrentUser | None:
    """The account behind a session, or None when it is gone or disabled."""
    row = await User.select().where(User.id == user_id).first()
    if row is None or not row["is_active"]:
        return None
    return await _to_current_user(row)


async def _to_current_user(row: dict) -> CurrentUser:
    role = Role(row["role"])
    store_ids: tuple[int, ...] = ()
    if role is Role.STAFF:
        rows = await StaffStore.select(StaffStore.location_id).where(StaffStore.user == row["id"])
        store_ids = tuple(sorted(r["location_id"] for r in rows))
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=role,
        store_ids=store_ids,
        supplier_id=row["supplier_id"],
    )


async def grant_supplier_role(user_id: int, supplier_id: int) -> None:
    """Make an account staff of a supplier (role supplier, scope that supplier)."""
    async with write_transaction():
        row = await User.select(User.role).where(User.id == user_id).first()
        if row is None:
            raise InvalidInput("No account {id}", id=user_id)
        if row["role"] not in (Role.CONSUMER.value, Role.SUPPLIER.value):
            raise Conflict("A {role} account cannot become supplier staff", role=row["role"])
        await User.update({User.role: Role.SUPPLIER.value, User.supplier_id: supplier_id}).where(
            User.id == user_id
        )
    await user_cache.invalidate(user_id)


async def set_staff_stores(user_id: int, store_ids: list[int]) -> None:
    """Replace the stores a staff account works for (effective on its next request)."""
    async with write_transaction():
        row = await User.select(User.role).where(User.id == user_id).first()
        if row is None:
            raise InvalidInput("No account {id}", id=user_id)
        if row["role"] != Role.STAFF.value:
            raise Conflict("A {role} account has no stores", role=row["role"])
        await StaffStore.delete().where(StaffStore.user == user_id)
        for location_id in sorted(set(store_ids)):
            await StaffStore(user=user_id, location_id=location_id).save()
    await user_cache.invalidate(user_id)
