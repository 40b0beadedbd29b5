"""Notification tables: the in-app inbox and the e-mail outbox."""

from piccolo.columns import BigInt, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Notification(Table):
    """One message in a person's inbox."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: server.User id of the recipient.
    user_id = BigInt(index=True)
    #: What it is about (README "Notifications to every role"): paid | payment_failed |
    #: cancelled | ready_for_pickup | pickup_expiring | pickup_expired | shipped | refunded |
    #: aftersale | review_reply | chat_reply | dispute_chat | new_order | new_application |
    #: product_to_review | stock_alert
    kind = Varchar(length=32)
    title = Varchar(length=200)
    body = Text(default="")
    #: Page the message is about, e.g. /orders/12.
    link = Varchar(length=255, default="")
    #: When the recipient opened it; null while unread.
    read_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class EmailOutbox(Table):
    """An e-mail to send after the transaction that wrote it commits."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    to = Varchar(length=255)
    subject = Varchar(length=200)
    body = Text(default="")
    #: pending | sent | logged (no SMTP configured) | failed
    status = Varchar(length=10, default="pending", index=True)
    sent_at = Timestamptz(null=True, default=None)
    error = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
