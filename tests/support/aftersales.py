"""After-sales factories: a consumer's pickup collected and paid, ready to be returned."""

from __future__ import annotations

from typing import Any

from accounts.roles import Role
from aftersales.requests import RequestView, answer_request, create_request, escalate, rule
from fulfilment.pickup import hand_over, mark_ready
from tests.support.factories import (
    counter_limiter,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    pickup_code,
    stock,
)
from tests.support.promotions import make_promotion


async def received_order(
    prices: tuple[int, ...] = (10_000,), *, reduction: tuple[int, int] | None = None
) -> dict[str, Any]:
    """A pickup collected and paid in cash at the store; `reduction`: a 满减 (threshold, off)."""
    store = await make_store()
    supplier = await make_supplier()
    product = await make_product(supplier_id=supplier, prices=prices)
    for variant in product["variant_ids"]:
        await stock(store, variant, 5)
    if reduction:
        await make_promotion("full_reduction", tiers=(reduction,))
    staff = await make_user(Role.STAFF, store_ids=[store])
    consumer = await make_user(name="张伟")
    order = await make_order(
        consumer.id,
        [(v, 1) for v in product["variant_ids"]],
        location_id=store,
        payment_method="in_store",
    )
    fid = order.fulfilments[0].id
    await mark_ready(store, fid, staff)
    await hand_over(
        store, fid, staff, await pickup_code(fid), counter_limiter(), payment_method="cash"
    )
    return {
        "store": store,
        "staff": staff,
        "consumer": consumer,
        "order": order,
        "lines": order.fulfilments[0].lines,
        "supplier": supplier,
        "supplier_user": await make_user(Role.SUPPLIER, supplier_id=supplier),
        **product,
    }


async def refund_line(
    bought: dict[str, Any], index: int, *, partial: int | None = None
) -> RequestView:
    """The consumer asks for a refund of line `index` of a `received_order`: the supplier
    approves it whole, or (`partial`) refuses and the operator rules that many fen back."""
    asked = await create_request(
        bought["consumer"],
        bought["order"].id,
        bought["lines"][index].id,
        kind="refund_only",
        reason="质量问题",
    )
    if partial is None:
        return await answer_request(bought["supplier_user"], asked.id, decision="approve")
    await answer_request(bought["supplier_user"], asked.id, decision="reject", note="无问题")
    await escalate(bought["consumer"], asked.id, note="确有问题")
    operator = await make_user(Role.OPERATOR)
    return await rule(operator, asked.id, ruling="partial", amount=partial)
