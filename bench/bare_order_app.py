"""The reserve + insert transaction of a Kuaiqu pickup order, with no framework of ours.

A bare Litestar app over raw sqlite3 (one connection, run synchronously on the event-loop
thread, so transactions never interleave) or asyncpg (a pool; rows locked in (location,
variant) order). `POST /orders {location_id, lines: [{variant_id, quantity}]}` reserves every
line with one conditional UPDATE, writes the ledger rows, the order, its fulfilment, lines and
an event, and answers 201 — or 409 when a line is short, with nothing written. Orders carry
channel "bare" so the benchmark can count them apart from Kuaiqu's.

    BARE_DATABASE_URL=sqlite:///path.sqlite3 uvicorn --app-dir bench bare_order_app:app
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Response, post

URL = os.environ.get("BARE_DATABASE_URL", "")


class LineIn(msgspec.Struct):
    variant_id: int
    quantity: int


class OrderIn(msgspec.Struct):
    location_id: int
    lines: list[LineIn]


class Shortage(Exception):
    pass


_sqlite: sqlite3.Connection | None = None
_pool: asyncpg.Pool | None = None


def _place_sqlite(data: OrderIn) -> dict[str, Any]:
    assert _sqlite is not None
    db = _sqlite
    now = datetime.now(UTC).isoformat()
    lines = sorted((ln.variant_id, ln.quantity) for ln in data.lines)
    db.execute("BEGIN IMMEDIATE")
    try:
        prices = {}
        for variant_id, quantity in lines:
            held = db.execute(
                "UPDATE stock_level SET reserved = reserved + ? WHERE location = ? AND variant = ? "
                "AND on_hand - reserved >= ? RETURNING id",
                (quantity, data.location_id, variant_id, quantity),
            ).fetchall()
            if not held:
                raise Shortage(variant_id)
            row = db.execute(
                "SELECT v.price, v.sku, p.name, p.supplier FROM variant v "
                "JOIN product p ON p.id = v.product WHERE v.id = ?",
                (variant_id,),
            ).fetchone()
            prices[variant_id] = row
        total = sum(prices[v][0] * q for v, q in lines)
        number = f"B-{uuid.uuid4().hex[:24]}"
        order_id = db.execute(
            "INSERT INTO orders (number, channel, status, subtotal, total, payment_method, "
            "created_at) VALUES (?, 'bare', 'pending_payment', ?, ?, 'in_store', ?) RETURNING id",
            (number, total, total, now),
        ).fetchone()[0]
        fulfilment_id = db.execute(
            'INSERT INTO fulfilment ("order", location, method, created_at, updated_at) '
            "VALUES (?, ?, 'pickup', ?, ?) RETURNING id",
            (order_id, data.location_id, now, now),
        ).fetchone()[0]
        for variant_id, quantity in lines:
            price, sku, name, supplier = prices[variant_id]
            db.execute(
                "INSERT INTO stock_movement (location, variant, reserved_delta, reason, "
                "reference, created_at) VALUES (?, ?, ?, 'reserve', ?, ?)",
                (data.location_id, variant_id, quantity, number, now),
            )
            db.execute(
                'INSERT INTO order_line ("order", fulfilment, variant, product_name, sku, '
                "supplier_id, quantity, unit_price) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (order_id, fulfilment_id, variant_id, name, sku, supplier, quantity, price),
            )
        db.execute(
            'INSERT INTO order_event ("order", kind, new_state, created_at) '
            "VALUES (?, 'placed', 'pending_payment', ?)",
            (order_id, now),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return {"id": order_id, "number": number, "total": total}


async def _place_postgres(data: OrderIn) -> dict[str, Any]:
    assert _pool is not None
    now = datetime.now(UTC)
    lines = sorted((ln.variant_id, ln.quantity) for ln in data.lines)
    async with _pool.acquire() as db, db.transaction():
        prices = {}
        for variant_id, quantity in lines:
            held = await db.fetch(
                "UPDATE stock_level SET reserved = reserved + $1 WHERE location = $2 "
                "AND variant = $3 AND on_hand - reserved >= $1 RETURNING id",
                quantity,
                data.location_id,
                variant_id,
            )
            if not held:
                raise Shortage(variant_id)
            prices[variant_id] = await db.fetchrow(
                "SELECT v.price, v.sku, p.name, p.supplier FROM variant v "
                "JOIN product p ON p.id = v.product WHERE v.id = $1",
                variant_id,
            )
        total = sum(prices[v]["price"] * q for v, q in lines)
        number = f"B-{uuid.uuid4().hex[:24]}"
        order_id = await db.fetchval(
            "INSERT INTO orders (number, channel, status, subtotal, total, payment_method, "
            "created_at) VALUES ($1, 'bare', 'pending_payment', $2, $2, 'in_store', $3) "
            "RETURNING id",
            number,
            total,
            now,
        )
        fulfilment_id = await db.fetchval(
            'INSERT INTO fulfilment ("order", location, method, created_at, updated_at) '
            "VALUES ($1, $2, 'pickup', $3, $3) RETURNING id",
            order_id,
            data.location_id,
            now,
        )
        for variant_id, quantity in lines:
            p = prices[variant_id]
            await db.execute(
                "INSERT INTO stock_movement (location, variant, reserved_delta, reason, "
                "reference, created_at) VALUES ($1, $2, $3, 'reserve', $4, $5)",
                data.location_id,
                variant_id,
                quantity,
                number,
                now,
            )
            await db.execute(
                'INSERT INTO order_line ("order", fulfilment, variant, product_name, sku, '
                "supplier_id, quantity, unit_price) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                order_id,
                fulfilment_id,
                variant_id,
                p["name"],
                p["sku"],
                p["supplier"],
                quantity,
                p["price"],
            )
        await db.execute(
            'INSERT INTO order_event ("order", kind, new_state, created_at) '
            "VALUES ($1, 'placed', 'pending_payment', $2)",
            order_id,
            now,
        )
    return {"id": order_id, "number": number, "total": total}


@post("/orders")
async def place(data: OrderIn) -> Response[dict[str, Any]]:
    try:
        if _pool is not None:
            body = await _place_postgres(data)
        else:
            body = _place_sqlite(data)
    except Shortage as short:
        return Response({"detail": f"out of stock: {short}"}, status_code=409)
    return Response(body, status_code=201)


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    global _sqlite, _pool
    if URL.startswith("sqlite:///"):
        _sqlite = sqlite3.connect(URL.removeprefix("sqlite:///"), isolation_level=None)
        _sqlite.execute("PRAGMA journal_mode=WAL")
        _sqlite.execute("PRAGMA busy_timeout=30000")
    else:
        _pool = await asyncpg.create_pool(URL, min_size=1, max_size=10)
    try:
        yield
    finally:
        if _sqlite is not None:
            _sqlite.close()
        if _pool is not None:
            await _pool.close()


app = Litestar(route_handlers=[place], lifespan=[lifespan])
