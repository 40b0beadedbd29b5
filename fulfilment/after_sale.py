"""Money given back for goods the consumer already has (a complaint upheld, a dispute ruling).

The refund is tied to the part of the order it is for, so settlement nets it against that
part's sales; it can never exceed what was paid for the part's lines less earlier refunds.
"""

from __future__ import annotations

from core.database import write_transaction
from fulfilment.errors import FulfilmentNotFound, InvalidOrder, OrderNotPayable
from fulfilment.money import lines_paid
from fulfilment.moves import record_event
from fulfilment.settlement_reads import FINISHED
from fulfilment.tables import Fulfilment, OrderLine
from payments.reads import refunded_by_fulfilment
from payments.service import RefundResult, refund_order_payments


async def refund_fulfilment(
    fulfilment_id: int, *, amount: int, reason: str, actor_id: int | None
) -> list[RefundResult]:
    """Refund `amount` fen of a finished part of an order through the order's payments."""
    reason = reason.strip()
    if not reason:
        raise InvalidOrder("reason: say why the money is given back")
    if isinstance(amount, bool) or amount <= 0:
        raise InvalidOrder("amount: the refund must be above zero")
    async with write_transaction():
        part = await Fulfilment.select().where(Fulfilment.id == fulfilment_id).first()
        if part is None:
            raise FulfilmentNotFound("Shipment {id} was not found", id=fulfilment_id)
        if part["status"] not in FINISHED:
            raise OrderNotPayable(
                "This part of the order is {status}: refund it by cancelling instead",
                status=part["status"],
            )
        paid = lines_paid(await OrderLine.select().where(OrderLine.fulfilment == fulfilment_id))
        left = paid - (await refunded_by_fulfilment([fulfilment_id])).get(fulfilment_id, 0)
        if amount > left:
            raise InvalidOrder(
                "amount: only {left} fen of this part can still be refunded", left=left
            )
        given = await refund_order_payments(
            order_id=part["order"], amount=amount, reason=reason, fulfilment_id=fulfilment_id
        )
        await record_event(
            part["order"],
            "refunded",
            fulfilment_id=fulfilment_id,
            actor_id=actor_id,
            note=f"{amount} {reason}"[:255],
        )
    return given
