"""Consultation tables: conversations, their messages, staff quick replies, dispute links."""

from piccolo.columns import BigInt, Boolean, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Conversation(Table):
    """A consumer and one shop (supplier) or store: one conversation per pair."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: accounts User id of the consumer asking.
    consumer_id = BigInt(index=True)
    #: supplier | store: who answers (the supplier's staff, the store's staff).
    party_kind = Varchar(length=8)
    #: The supplier id or the store's location id.
    party_id = BigInt()
    #: product | shop | store | order | "" — the page the consumer asked from (latest).
    subject_kind = Varchar(length=8, default="")
    subject_id = BigInt(null=True, default=None)
    #: An operator joined (a dispute points to this conversation).
    operator_joined = Boolean(default=False)
    #: Messages the consumer has not read / the shop's side has not read.
    consumer_unread = BigInt(default=0)
    shop_unread = BigInt(default=0)
    last_message_at = Timestamptz(default=TimestamptzNow(), index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ChatMessage(Table):
    """One message of a conversation: text, an image or a product card."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    conversation_id = BigInt(index=True)
    #: accounts User id of the sender; null for the system's away message.
    sender_id = BigInt(null=True, default=None)
    #: consumer | shop | operator | system
    side = Varchar(length=8)
    #: text | image | product | away
    kind = Varchar(length=8, default="text")
    body = Text(default="")
    #: /media URL of an image message.
    image = Varchar(length=255, default="")
    #: The product a product card shows.
    product_id = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class QuickReply(Table):
    """A canned answer a shop's or store's staff send with one click."""

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    party_kind = Varchar(length=8)
    party_id = BigInt(index=True)
    text = Varchar(length=500)


class DisputeConversation(Table):
    """An after-sales dispute points to the conversation of its consumer and shop.

    The operator ruling on the dispute joins that conversation; an operator reads or writes
    only in conversations some dispute points to.
    """

    id: Serial  # Piccolo adds this primary key; declared for the type checker

    #: aftersales AfterSaleRequest id of the dispute (one conversation per dispute).
    request_id = BigInt(unique=True)
    #: The Conversation id (several disputes of one consumer and shop share it).
    conversation_id = BigInt(index=True)
    created_at = Timestamptz(default=TimestamptzNow())
