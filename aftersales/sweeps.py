"""The after-sales sweep: requests unanswered past their deadline go to the operator."""

from __future__ import annotations

from datetime import datetime

from aftersales.requests import escalate_unanswered
from core.periodic import periodic_lifespan

#: Seconds between two runs.
SWEEP_INTERVAL_S = 60


async def escalate_unanswered_now() -> None:
    """Escalate the requests whose deadline has passed by now."""
    await escalate_unanswered(datetime.now().astimezone())


#: Runs the sweep every `SWEEP_INTERVAL_S` seconds while the app serves, in one worker per
#: period (off with KUAIQU_DISABLE_SWEEPS=1).
aftersales_lifespan = periodic_lifespan(
    "aftersales-sweeps", SWEEP_INTERVAL_S, escalate_unanswered_now
)
