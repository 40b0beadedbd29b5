"""A periodic job runs in one process per period, whichever worker asks first."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import replace

import pytest

from core import periodic
from core.periodic import PeriodClaim, run_periodically
from core.settings import get_settings


async def test_one_of_several_workers_claims_a_period(redis_url: str) -> None:
    workers = [PeriodClaim(redis_url) for _ in range(4)]
    try:
        claimed = await asyncio.gather(*(w.claim("test-job", 60) for w in workers))
        assert sorted(claimed) == [False, False, False, True]
        # Another job's period is its own.
        assert await workers[0].claim("other-job", 60)
    finally:
        for worker in workers:
            await worker.close()


async def test_a_lapsed_claim_lets_the_next_period_run(redis_url: str) -> None:
    first, second = PeriodClaim(redis_url), PeriodClaim(redis_url)
    try:
        assert await first.claim("short-job", 2)  # held for one second
        assert not await second.claim("short-job", 2)
        await asyncio.sleep(1.2)
        assert await second.claim("short-job", 2)
    finally:
        await first.close()
        await second.close()


async def test_a_single_process_without_redis_always_runs() -> None:
    alone = PeriodClaim("")
    assert await alone.claim("job", 60)
    assert await alone.claim("job", 60)
    await alone.close()


async def test_a_failed_run_is_logged_and_the_next_period_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the database went away")

    task = asyncio.create_task(run_periodically("flaky", 0.01, flaky))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if len(runs) >= 3:
            break
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    assert len(runs) >= 3  # the failure did not stop the loop
    assert "Periodic job flaky failed" in caplog.text


@pytest.mark.parametrize("enabled", [True, False], ids=["on", "off"])
async def test_a_periodic_lifespan_runs_its_job_only_while_serving_and_only_when_on(
    monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    settings = replace(get_settings(), sweeps_enabled=enabled, redis_url="")
    monkeypatch.setattr(periodic, "get_settings", lambda: settings)
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    async with periodic.periodic_lifespan("tick", 0.01, job)(None):
        await asyncio.sleep(0.2)
    ran_while_serving = len(runs)
    await asyncio.sleep(0.05)

    assert (ran_while_serving > 0) is enabled
    assert len(runs) == ran_while_serving  # stopped with the app
