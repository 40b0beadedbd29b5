"""Issuing a settlement statement over many delivered orders (SQLite, a throw-away file).

Builds one supplier with ORDERS paid, shipped and delivered orders of two lines each (a third
of them partly refunded), then times `draft_lines` (what a statement would settle) and
`issue_statement` (writing it), and prints the figures.

    .venv/bin/python bench/settlement_bench.py --orders 500
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

VAR_DIR = tempfile.mkdtemp(prefix="kuaiqu-settle-bench-")
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ["KUAIQU_VAR_DIR"] = VAR_DIR
os.environ.setdefault("KUAIQU_SECRET_KEY", "settlement-bench-secret")
os.environ["KUAIQU_SANDBOX_PAYMENTS"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datetime import datetime  # noqa: E402

from fulfilment.after_sale import refund_fulfilment  # noqa: E402
from fulfilment.payment_events import receive_callback  # noqa: E402
from fulfilment.shipments import mark_delivered, ship_fulfilment  # noqa: E402
from settlement.statements import CHINA, draft_lines, issue_statement  # noqa: E402
from tests.support import databases  # noqa: E402
from tests.support.factories import (  # noqa: E402
    BEIJING,
    make_order,
    make_product,
    make_store,
    make_supplier,
    make_user,
    sandbox_callback,
    stock,
)


async def main(orders: int) -> None:
    await databases.sqlite_engine(Path(VAR_DIR) / "bench.sqlite3")
    supplier = await make_supplier()
    warehouse = await make_store(BEIJING, kind="warehouse")
    variants = []
    for price in (12_345, 6_789):
        variant = (await make_product(supplier_id=supplier, prices=(price,)))["variant_ids"][0]
        await stock(warehouse, variant, orders * 2)
        variants.append(variant)
    buyer = await make_user()
    started = time.perf_counter()
    for n in range(orders):
        order = await make_order(buyer.id, [(variants[0], 1), (variants[1], 1)], method="delivery")
        body, headers = sandbox_callback(order.payment.id, amount=order.total)
        await receive_callback("sandbox", body, headers)
        part = order.fulfilments[0]
        await ship_fulfilment(supplier, part.id, carrier="SF", tracking_number="1", actor_id=None)
        await mark_delivered(supplier, part.id, actor_id=None)
        if n % 3 == 0:
            await refund_fulfilment(part.id, amount=500, reason="bench", actor_id=None)
    built = time.perf_counter() - started
    today = datetime.now(CHINA).date()
    started = time.perf_counter()
    lines = await draft_lines(supplier, today, today)
    drafted = time.perf_counter() - started
    started = time.perf_counter()
    statement = await issue_statement(supplier, today, today, actor_id=None)
    issued = time.perf_counter() - started
    print(f"orders built (placed, paid, shipped, delivered): {orders} in {built:.1f} s")
    print(f"draft_lines: {len(lines)} lines in {drafted * 1000:.0f} ms")
    print(f"issue_statement: {len(statement.lines)} lines in {issued * 1000:.0f} ms")
    print(
        f"statement: sales {statement.sales} refunds {statement.refunds} "
        f"commission {statement.commission} fees {statement.fees} payable {statement.payable}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=500)
    asyncio.run(main(parser.parse_args().orders))
