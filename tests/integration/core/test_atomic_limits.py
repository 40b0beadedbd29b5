"""Count limits hold when requests race: simultaneous saves never pass a limit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from piccolo.engine.base import Engine

from catalog import synonyms
from catalog.synonyms import add_group, synonym_groups
from fulfilment import addresses
from fulfilment.addresses import AddressInput, addresses_of, save_address
from members import favourites
from members.favourites import add_favourite, favourites_of
from tests.support.factories import make_product, make_user

HOME = AddressInput(name="王芳", phone="13900000000", city="北京市", detail="朝阳路 1 号")


async def _race(attempts: list[Callable[[], Awaitable[object]]]) -> list[object]:
    return await asyncio.gather(*(attempt() for attempt in attempts), return_exceptions=True)


def _succeeded(outcomes: list[object]) -> int:
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(not isinstance(f, AssertionError) for f in failures)
    return len(outcomes) - len(failures)


async def test_simultaneous_addresses_stop_at_the_limit(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(addresses, "MAX_ADDRESSES", 3)
    me = await make_user()
    await save_address(me.id, HOME)

    outcomes = await _race([lambda: save_address(me.id, HOME) for _ in range(6)])

    assert _succeeded(outcomes) == 2
    assert len(await addresses_of(me.id)) == 3


async def test_simultaneous_favourites_stop_at_the_limit(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(favourites, "MAX_FAVOURITES", 2)
    me = await make_user()
    products = [await make_product(name=f"商品 {i}") for i in range(5)]

    outcomes = await _race([lambda p=p: add_favourite(me.id, "product", p["id"]) for p in products])

    assert _succeeded(outcomes) == 2
    assert len((await favourites_of(me.id)).products) == 2


async def test_simultaneous_synonym_groups_stop_at_the_limit(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(synonyms, "MAX_GROUPS", 2)

    outcomes = await _race([lambda i=i: add_group(f"词{i},同义{i}") for i in range(5)])

    assert _succeeded(outcomes) == 2
    assert len(await synonym_groups()) == 2
