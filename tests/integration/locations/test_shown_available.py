"""Viewers of one busy page asking stock at the same moment share one read."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from piccolo.engine.base import Engine

from locations import stock_reads
from locations.stock_reads import shown_available
from tests.support.factories import make_product, make_store, stock


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements `locations.stock_reads` sends, as they are sent."""
    sent: list[str] = []
    real_fetch = stock_reads.fetch

    async def counted(sql: str, *args: Any) -> Any:
        sent.append(sql)
        return await real_fetch(sql, *args)

    monkeypatch.setattr(stock_reads, "fetch", counted)
    return sent


async def test_twenty_viewers_at_once_cost_one_read(db: Engine, statements: list[str]) -> None:
    product = await make_product(prices=(1000, 1200))
    store = await make_store()
    first, second = product["variant_ids"]
    await stock(store, first, 7)

    answers = await asyncio.gather(*(shown_available([second, first]) for _ in range(20)))

    assert answers == [{first: 7, second: 0}] * 20
    assert len(statements) == 1


async def test_a_viewer_after_a_change_sees_it(db: Engine, statements: list[str]) -> None:
    product = await make_product()
    store = await make_store()
    variant = product["variant_ids"][0]
    await stock(store, variant, 3)
    assert await shown_available([variant]) == {variant: 3}

    await stock(store, variant, 2)

    assert await shown_available([variant]) == {variant: 5}
    assert len(statements) == 2


async def test_one_viewer_hanging_up_leaves_the_others_their_answer(db: Engine) -> None:
    product = await make_product()
    store = await make_store()
    variant = product["variant_ids"][0]
    await stock(store, variant, 4)

    leaving = asyncio.ensure_future(shown_available([variant]))
    staying = asyncio.ensure_future(shown_available([variant]))
    await asyncio.sleep(0)
    leaving.cancel()

    assert await staying == {variant: 4}
    assert leaving.cancelled()
