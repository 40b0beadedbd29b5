"""Side effects wait for the commit: a rolled-back change announces nothing."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from core.database import after_commit, write_transaction


async def test_callbacks_run_after_the_outermost_commit_only(db: Engine) -> None:
    ran: list[str] = []

    async def note(label: str) -> None:
        ran.append(label)

    async with write_transaction():
        async with write_transaction():
            await after_commit(lambda: note("inner"))
        assert ran == []
    assert ran == ["inner"]


async def test_callbacks_are_dropped_when_the_transaction_rolls_back(db: Engine) -> None:
    ran: list[str] = []

    async def note() -> None:
        ran.append("x")

    with pytest.raises(RuntimeError):
        async with write_transaction():
            await after_commit(note)
            raise RuntimeError("refused")
    assert ran == []
    await after_commit(note)  # outside a transaction: at once
    assert ran == ["x"]
