"""A periodic job runs in one process per period, whichever worker asks first."""

from __future__ import annotations

import asyncio

from core.periodic import PeriodClaim


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
