"""Accounts: people who log in, their role, and the stores or supplier they act for."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class User(Table, tablename="account"):
    """A person with a login: consumer, store staff, supplier staff or operator."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: Lower-cased; the login name.
    email = Varchar(length=254, unique=True, index=True)
    #: Shown to staff at pickup and on the consumer's orders.
    name = Varchar(length=100)
    #: Argon2 hash (never the password).
    password_hash = Varchar(length=255)
    #: consumer | staff | supplier | operator
    role = Varchar(length=16, default="consumer")
    #: The supplier a supplier-staff account acts for (catalog.Supplier id), else null.
    supplier_id = Integer(null=True, default=None)
    #: Phone number, masked when shown at the POS.
    phone = Varchar(length=32, default="")
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class StaffStore(Table, tablename="staff_store"):
    """One store (locations.Location id) a staff account may work at."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    user = ForeignKey(references=User, index=True)
    location_id = Integer(index=True, index_method=IndexMethod.btree)
