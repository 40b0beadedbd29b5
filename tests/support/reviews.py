"""Orders whose goods the consumer has, ready to be reviewed."""

from __future__ import annotations

from typing import Any

from accounts.roles import Role
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


async def collected_pickup(lines: int = 1, *, name: str = "华为 Mate 60 手机") -> dict[str, Any]:
    """A consumer (张伟)'s pickup order handed over at the store: every line received."""
    store = await make_store()
    supplier = await make_supplier()
    product = await make_product(
        supplier_id=supplier, name=name, prices=tuple(1000 * (n + 1) for n in range(lines))
    )
    for variant in product["variant_ids"]:
        await stock(store, variant, 5)
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
        "line_ids": [ln.id for ln in order.fulfilments[0].lines],
        "supplier": supplier,
        **product,
    }
