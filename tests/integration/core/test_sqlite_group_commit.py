"""Group commit on SQLite (`core.sqlite_writer`): writers share COMMITs, and lose nothing.

Each test runs on an engine of its own over a small file, so the queue of writers is exactly
the one the test builds. What every test holds to: a write transaction has ended only when
its rows can be read from another connection (it is on disk), a failing member loses only
its own rows, and a failed COMMIT fails every member whose rows it carried.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine.sqlite import TransactionType

from core import sqlite_writer
from core.database import PooledSQLiteEngine, make_engine, prepare_engine, release_engine
from core.sqlite_writer import WriteGroup


class _Refused(Exception):
    pass


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[PooledSQLiteEngine]:
    made = make_engine(f"sqlite:///{tmp_path / 'group.sqlite3'}")
    assert isinstance(made, PooledSQLiteEngine)
    await prepare_engine(made)
    # A deferred foreign key is checked by COMMIT only: the way to make a COMMIT fail.
    await made.run_ddl(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "parent INTEGER REFERENCES item (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    yield made
    await release_engine(made)


async def _let_the_others_queue() -> None:
    """Inside a transaction: let the other writers started with this one reach the queue."""
    await asyncio.sleep(0)


def _stored(engine: PooledSQLiteEngine) -> set[str]:
    """The names on disk, read by a connection of its own (sees committed rows only)."""
    with sqlite3.connect(engine.connection_kwargs["database"]) as other:
        return {name for (name,) in other.execute("SELECT name FROM item")}


async def _write(
    engine: PooledSQLiteEngine,
    name: str,
    *,
    parent: int | None = None,
    then: Callable[[], Awaitable[Any]] | None = None,
) -> WriteGroup:
    """Insert `name` in a write transaction; returns the group that carried it."""
    async with engine.transaction(TransactionType.immediate) as transaction:
        transaction.connection.raw.execute(
            "INSERT INTO item (name, parent) VALUES (?, ?)", (name, parent)
        )
        group = engine.writer().group
        assert group is not None
        if then is not None:
            await then()
    return group


async def test_queued_writers_share_commits_and_each_ends_on_disk(
    engine: PooledSQLiteEngine,
) -> None:
    ended_on_disk: list[bool] = []

    async def write(n: int) -> WriteGroup:
        group = await _write(engine, f"item-{n}")
        ended_on_disk.append(f"item-{n}" in _stored(engine))
        return group

    groups = await asyncio.gather(*(write(n) for n in range(80)))

    assert _stored(engine) == {f"item-{n}" for n in range(80)}
    assert ended_on_disk == [True] * 80
    # Queued behind each other, they shared COMMITs: at most MAX_GROUP to a group. (The
    # groups are kept alive in `groups`, so their ids are distinct.)
    sizes = Counter(id(group) for group in groups)
    assert len(sizes) < 80
    assert max(sizes.values()) <= sqlite_writer.MAX_GROUP
    assert engine.writer().group is None


async def test_a_failing_member_loses_only_its_own_rows(engine: PooledSQLiteEngine) -> None:
    async def refuse() -> None:
        raise _Refused

    results = await asyncio.gather(
        _write(engine, "first", then=_let_the_others_queue),
        _write(engine, "refused", then=refuse),
        _write(engine, "third"),
        return_exceptions=True,
    )

    assert isinstance(results[1], _Refused)
    assert results[0] is results[2]  # one group carried both
    assert _stored(engine) == {"first", "third"}


async def test_a_failed_commit_fails_every_member_it_carried_and_keeps_nothing(
    engine: PooledSQLiteEngine,
) -> None:
    # The first writer's row points at an item that never exists: COMMIT refuses the group.
    results = await asyncio.gather(
        _write(engine, "orphan", parent=999, then=_let_the_others_queue),
        *(_write(engine, f"item-{n}") for n in range(4)),
        return_exceptions=True,
    )

    assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
    assert _stored(engine) == set()
    # The writer is free again, on a clean connection.
    await _write(engine, "after")
    assert _stored(engine) == {"after"}


async def test_a_transaction_sqlite_rolled_back_whole_fails_the_members_it_carried(
    engine: PooledSQLiteEngine,
) -> None:
    async def sqlite_rolls_everything_back() -> None:
        # What SQLite does by itself on a full disk or an I/O error in a statement.
        engine.writer().group.raw.execute("ROLLBACK")  # type: ignore[union-attr]

    results = await asyncio.gather(
        _write(engine, "first", then=_let_the_others_queue),
        _write(engine, "second", then=sqlite_rolls_everything_back),
        _write(engine, "third"),
        return_exceptions=True,
    )

    assert isinstance(results[0], sqlite3.OperationalError), results
    assert isinstance(results[1], sqlite3.OperationalError), results
    assert isinstance(results[2], WriteGroup)
    assert _stored(engine) == {"third"}


async def test_a_writer_cancelled_as_its_turn_comes_does_not_strand_the_group(
    engine: PooledSQLiteEngine,
) -> None:
    second_queued = asyncio.Event()
    second: asyncio.Task[int] | None = None

    async def hand_over_to_a_cancelled_writer() -> None:
        await second_queued.wait()
        # Runs before the queued writer's wake-up, which this transaction's end schedules.
        assert second is not None
        asyncio.get_running_loop().call_soon(second.cancel)

    first = asyncio.ensure_future(_write(engine, "first", then=hand_over_to_a_cancelled_writer))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(_write(engine, "second"))
    await asyncio.sleep(0)
    second_queued.set()

    await asyncio.wait({first}, timeout=5)
    assert first.done(), "the first writer still waits for a COMMIT nobody will run"
    with pytest.raises(asyncio.CancelledError):
        await second
    assert _stored(engine) == {"first"}
    assert engine.writer().group is None


async def test_lone_writes_and_other_transactions_take_their_turn_after_a_group(
    engine: PooledSQLiteEngine,
) -> None:
    async def read_in_a_transaction_of_its_own() -> list[dict[str, Any]]:
        async with engine.transaction() as transaction:
            rows: list[dict[str, Any]] = transaction.connection.raw.execute(
                "SELECT name FROM item ORDER BY name"
            ).fetchall()
            return rows

    results = await asyncio.gather(
        _write(engine, "a", then=_let_the_others_queue),
        engine.run_lone_write("INSERT INTO item (name) VALUES (?)", ["b"]),
        read_in_a_transaction_of_its_own(),
        engine.run_lone_write("PRAGMA user_version = 7", None),
    )

    assert [row["name"] for row in results[2]] == ["a", "b"]
    assert _stored(engine) == {"a", "b"}
    assert (await engine.run_ddl("PRAGMA user_version"))[0]["user_version"] == 7


async def test_commits_reach_the_database_file_through_background_checkpoints(
    engine: PooledSQLiteEngine, tmp_path: Path
) -> None:
    for n in range(3 * sqlite_writer.CHECKPOINT_EVERY):
        await _write(engine, f"item-{n}")
    for _ in range(100):  # the last checkpoint runs in a disk thread: let it end
        if not engine.writer().checkpointing:
            break
        await asyncio.sleep(0.01)

    # The database file alone, without its write-ahead log, holds what the checkpoints copied.
    alone = tmp_path / "alone.sqlite3"
    alone.write_bytes(Path(engine.connection_kwargs["database"]).read_bytes())
    with sqlite3.connect(alone) as copy:
        names = {name for (name,) in copy.execute("SELECT name FROM item")}
    assert {f"item-{n}" for n in range(2 * sqlite_writer.CHECKPOINT_EVERY)} <= names
