"""Payments tables: payments of orders, their refunds, and the provider callbacks received."""

from piccolo.columns import BigInt, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Payment(Table):
    """One attempt to collect an order's money through one provider."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: The order paid for (an id of `fulfilment`; payments never imports fulfilment); null
    #: for a payment not tied to an order (a supplier's entry fee or deposit).
    order_id = BigInt(null=True, default=None, index=True)
    #: The order's number (or the reference of another purpose), shown on the pay page and
    #: sent to the provider.
    order_number = Varchar(length=32)
    #: What the money is for: order | entry_fee | deposit (`payments.purposes`).
    purpose = Varchar(length=16, default="order", index=True)
    #: The id the purpose names (the supplier for a fee or deposit); null for orders.
    subject_id = BigInt(null=True, default=None, index=True)
    #: The consumer who may open the hosted pay page; null for walk-in sales.
    customer_id = BigInt(null=True, default=None, index=True)
    #: sandbox | in_store | cod (further providers register by name).
    provider = Varchar(length=32)
    #: Amount to collect, in fen.
    amount = BigInt()
    #: Sum of refunds issued so far, in fen.
    refunded_amount = BigInt(default=0)
    currency = Varchar(length=3, default="CNY")
    #: pending | succeeded | failed | refunded | partially_refunded
    status = Varchar(length=24, default="pending", index=True)
    #: How the money was taken: online, cash, card or qr.
    method = Varchar(length=16, default="")
    #: The provider's own reference (trade number), for reconciliation.
    provider_ref = Varchar(length=64, default="")
    #: Where the consumer pays (a hosted page), empty when collected offline.
    pay_url = Varchar(length=500, default="")
    #: The staff member or courier who confirmed an offline payment.
    confirmed_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Refund(Table):
    """Money given back from a payment, whole or in part."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    payment = ForeignKey(references=Payment, index=True)
    #: Amount given back, in fen.
    amount = BigInt()
    reason = Varchar(length=200, default="")
    #: succeeded (the provider paid it back) | to_pay_at_counter (staff hands it over)
    status = Varchar(length=24)
    provider_ref = Varchar(length=64, default="")
    #: The part of the order the refund is for (a fulfilment id), null for the whole order.
    fulfilment_id = BigInt(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class WebhookEvent(Table):
    """A provider callback processed once; its unique event id makes replays harmless."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    provider = Varchar(length=32)
    #: The provider's id of the event; unique, so a replayed callback is recognised.
    event_id = Varchar(length=100, unique=True)
    payment_id = BigInt(null=True, default=None)
    #: SHA-256 of the raw body, to tell what was received without keeping it.
    payload_digest = Varchar(length=64)
    received_at = Timestamptz(default=TimestamptzNow())


class ReconciliationRun(Table):
    """One comparison of a provider's daily statement with the platform's payments."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    provider = Varchar(length=32, index=True)
    #: The statement's day (China time), as YYYY-MM-DD.
    day = Varchar(length=10, index=True)
    #: matched | mismatched
    status = Varchar(length=16)
    statement_lines = BigInt(default=0)
    platform_payments = BigInt(default=0)
    mismatches = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class ReconciliationMismatch(Table):
    """One difference a reconciliation run found, named by kind."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    run = ForeignKey(references=ReconciliationRun, index=True)
    #: missing_on_platform | missing_at_provider | amount_differs | status_differs
    kind = Varchar(length=24)
    #: payment | refund
    subject = Varchar(length=8)
    #: The payment's (or refund's) reference at the provider.
    reference = Varchar(length=64)
    payment_id = BigInt(null=True, default=None)
    platform_amount = BigInt(null=True, default=None)
    provider_amount = BigInt(null=True, default=None)
    platform_status = Varchar(length=24, default="")
    provider_status = Varchar(length=24, default="")
