"""Background jobs run while the app runs and are stopped, all of them, when it stops."""

from __future__ import annotations

import asyncio

from core.background import in_background


async def test_every_job_runs_in_the_block_and_is_stopped_after_it() -> None:
    ticks = {"a": 0, "b": 0}
    stopped: list[str] = []

    async def job(name: str) -> None:
        try:
            while True:
                ticks[name] += 1
                await asyncio.sleep(0.001)
        finally:
            stopped.append(name)

    async with in_background({"a": job("a"), "b": job("b")}):
        await asyncio.sleep(0.02)
        names = {task.get_name() for task in asyncio.all_tasks()}
        assert {"a", "b"} <= names
    assert ticks["a"] > 0 and ticks["b"] > 0
    assert sorted(stopped) == ["a", "b"]  # both finished before the block returned
    assert not {"a", "b"} & {task.get_name() for task in asyncio.all_tasks()}
