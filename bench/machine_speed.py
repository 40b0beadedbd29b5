"""How fast this machine runs Python right now, printed beside a benchmark's figures.

The 2-core VMs these benches run on change speed by up to 2× from one quarter of an hour to
the next while idle (the same search statement 21–23 ms in some minutes, 40–44 ms in
others), which load average does not show. A fixed pure-Python loop timed before and after
a run says which kind of minute this process had, so runs can be compared fairly. It times
this process's core only: a database server on the other core may run slower meanwhile
(PostgreSQL's statements in one run clustered at 21–30 and 34–38 ms while the loop said
"fast").
"""

from __future__ import annotations

import time

#: Additions in the timed loop (0.24 s on the 2-core VM of 2026-12-04 at 20:25 UTC).
LOOP = 5_000_000


def loop_seconds() -> float:
    """Seconds this process takes to add up `LOOP` integers in a Python loop."""
    started = time.perf_counter()
    total = 0
    for i in range(LOOP):
        total += i
    return time.perf_counter() - started


def speed_line(label: str) -> str:
    """A line for the bench's output: the loop's time, labelled."""
    return f"{label:10s} a Python loop of {LOOP:,} additions took {loop_seconds():.2f} s"
