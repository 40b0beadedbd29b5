"""One SQLite writer per event loop: the queue writers wait in, and group commit.

SQLite lets one transaction write at a time, and a COMMIT waits for the disk (about a
millisecond, in a worker thread so the loop serves meanwhile). Committing each order on its
own left the loop idle a third of the time under load: every other order had finished
planning and stood in the queue while the disk synced (`bench/http_bench.py`, py-spy).

So consecutive write transactions share one SQLite transaction: each runs inside its own
SAVEPOINT (a failure rolls back only its own work), and when one ends while others are
queued it hands the open transaction to the next instead of committing. The last of the
group commits for all. Nobody returns early: every member's `__aexit__` waits for the
group's COMMIT and fails if it fails, so a 201 still means the order is on disk, and what a
member saw (another member's rows, say a used idempotency key) is committed by the time it
acts on it outside the transaction.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import TypeVar

T = TypeVar("T")

#: Write transactions one SQLite transaction may carry before it commits, however many wait:
#: bounds how long the first member's answer waits for the last one's work.
MAX_GROUP = 64
#: Group COMMITs between two checkpoints (copying the write-ahead log into the database
#: file), run in a disk thread beside the writers rather than inside a COMMIT.
CHECKPOINT_EVERY = 8
#: SQLite's own in-line checkpoint, a safety net should the background one fall behind: a
#: COMMIT that leaves the log longer than this many pages checkpoints before it returns.
INLINE_CHECKPOINT_PAGES = 10_000
#: The savepoint each member of a group runs in (members run one after another, never nested).
MEMBER_SAVEPOINT = "kuaiqu_write"

#: Threads that wait for the disk on behalf of SQLite writers: their own pool, so a commit
#: never queues behind other blocking work sent to asyncio's default executor (geocoding
#: calls, say). Writers of one event loop take turns: one thread per loop would do; a few
#: cover the test suite's loops.
_DISK_WAITS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sqlite-write")


async def to_the_end_in_thread(work: Callable[[], T]) -> T:
    """`work()` in a writer thread; a cancelled caller still waits for it to end.

    The statement goes on in its thread whatever happens to the caller, which must not
    release the write lock or the connection before it ends.
    """
    running = asyncio.get_running_loop().run_in_executor(_DISK_WAITS, work)
    return await _to_the_end(running)


async def _to_the_end(pending: asyncio.Future[T]) -> T:
    """Await `pending`; when cancelled, still wait for it before passing the cancel on."""
    try:
        return await asyncio.shield(pending)
    except asyncio.CancelledError:
        with suppress(BaseException):
            await pending
        raise


class WriteGroup:
    """Write transactions sharing one SQLite transaction on one connection."""

    __slots__ = ("kept", "members", "outcome", "raw")

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        #: Members that have ended, kept or rolled back.
        self.members = 0
        #: Members whose work is kept (their savepoint released, not rolled back).
        self.kept = 0
        #: Set when the group's transaction has ended: None once committed, or the error.
        self.outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class LoopWriter:
    """This loop's writers: the lock they take turns on and the open group, if any.

    `lend` and `give_back` lend connections from the engine's pool (on the loop thread).
    """

    def __init__(
        self,
        lend: Callable[[], sqlite3.Connection],
        give_back: Callable[[sqlite3.Connection], None],
    ) -> None:
        self.lock = asyncio.Lock()
        self.group: WriteGroup | None = None
        self._waiting = 0
        self._commits = 0
        self._checkpointing = False
        #: Tasks ending groups (referenced here so they are not collected while they run).
        self._tasks: set[asyncio.Future[None]] = set()
        self._lend = lend
        self._give_back = give_back

    async def acquire(self) -> None:
        """Wait for this loop's write turn (counted, so a member knows someone is queued)."""
        self._waiting += 1
        try:
            await self.lock.acquire()
        except asyncio.CancelledError:
            self._waiting -= 1
            if self.group is not None and not self.lock.locked():
                # The open group was being handed to this writer, and nobody else waits
                # to take it: commit it for its members.
                self._run(self._end_orphaned_group())
            raise
        self._waiting -= 1

    @property
    def checkpointing(self) -> bool:
        """A background checkpoint is running."""
        return self._checkpointing

    def release(self) -> None:
        """End this writer's turn."""
        self.lock.release()

    def join_group(self) -> WriteGroup:
        """Start a member in the open group (opening one), in its own savepoint. Holds the turn."""
        group = self.group
        if group is None:
            raw = self._lend()
            try:
                # IMMEDIATE takes SQLite's write lock up front: another process's writer
                # (a CLI command) then waits on the busy timeout rather than deadlocking.
                raw.execute("BEGIN IMMEDIATE")
            except BaseException:
                raw.close()
                raise
            group = self.group = WriteGroup(raw)
        try:
            group.raw.execute(f"SAVEPOINT {MEMBER_SAVEPOINT}")
        except sqlite3.Error as error:
            self.group = None
            self._abandon(group, error)
            raise
        return group

    async def end_member(self, group: WriteGroup, *, keep: bool) -> None:
        """End a member (holding the turn): keep or roll back its work, then wait for the group.

        Hands the open transaction to the next queued writer when there is one and the group
        has room; else commits the group (or rolls it back when no member's work is kept).
        Returns once the group's transaction has ended; raises its COMMIT's error. The turn
        is released either way.
        """
        released = False
        try:
            try:
                if keep:
                    group.raw.execute(f"RELEASE {MEMBER_SAVEPOINT}")
                    group.kept += 1
                else:
                    group.raw.execute(f"ROLLBACK TO {MEMBER_SAVEPOINT}")
                    group.raw.execute(f"RELEASE {MEMBER_SAVEPOINT}")
            except sqlite3.Error as error:
                # SQLite already rolled the whole transaction back (a full disk, an I/O
                # error): nothing of the group stands, and every member is told so.
                self.group = None
                self._abandon(group, error)
                raise
            group.members += 1
            if self._waiting and group.members < MAX_GROUP:
                released = True
                self.release()
                await _to_the_end(group.outcome)
            else:
                await self.flush()
        finally:
            if not released:
                self.release()

    async def flush(self) -> None:
        """Holding the turn: end the open group now (before a transaction of another kind)."""
        group = self.group
        if group is not None:
            self._settle(group)
            await _to_the_end(group.outcome)

    def _settle(self, group: WriteGroup) -> None:
        """Close the group to newcomers and end its transaction; `group.outcome` tells how.

        The COMMIT runs in a task of its own, so a cancelled member cannot cut it short.
        """
        self.group = None
        self._run(self._end_transaction(group))

    def _run(self, work: Coroutine[None, None, None]) -> None:
        """Run `work` as a task, referenced until it ends (asyncio keeps only weak ones)."""
        self._tasks.add(task := asyncio.ensure_future(work))
        task.add_done_callback(self._tasks.discard)

    async def _end_transaction(self, group: WriteGroup) -> None:
        raw = group.raw
        try:
            if group.kept:
                await asyncio.get_running_loop().run_in_executor(
                    _DISK_WAITS, lambda: raw.execute("COMMIT")
                )
            else:
                raw.execute("ROLLBACK")
        except BaseException as error:
            self._abandon(group, error)
            return
        self._give_back(raw)
        group.outcome.set_result(None)
        if group.kept:
            self._count_commit()

    @staticmethod
    def _abandon(group: WriteGroup, error: BaseException) -> None:
        """Roll back what is left of the group, drop its connection, fail every member."""
        with suppress(sqlite3.Error):
            if group.raw.in_transaction:
                group.raw.execute("ROLLBACK")
        group.raw.close()
        group.outcome.set_exception(error)
        group.outcome.exception()  # delivered to the members waiting; none may be left

    def _count_commit(self) -> None:
        """Start a checkpoint every `CHECKPOINT_EVERY` commits, one at a time.

        In-line, SQLite checkpoints inside the COMMIT that fills the log: 5-10 ms more for
        that group, while every other writer waits. A PASSIVE checkpoint from another
        connection copies what it can while writers go on.
        """
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and not self._checkpointing:
            self._commits = 0
            self._checkpointing = True
            self._run(self._checkpoint())

    async def _checkpoint(self) -> None:
        raw = self._lend()
        try:
            await asyncio.get_running_loop().run_in_executor(
                _DISK_WAITS, lambda: raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            )
        except sqlite3.Error:
            # The next one, or SQLite's in-line checkpoint, will copy what this one did not.
            raw.close()
        else:
            self._give_back(raw)
        finally:
            self._checkpointing = False

    async def _end_orphaned_group(self) -> None:
        await self.acquire()
        try:
            with suppress(Exception):  # a failed COMMIT was reported to the group's members
                await self.flush()
        finally:
            self.release()
