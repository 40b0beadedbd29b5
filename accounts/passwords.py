"""Password hashing with Argon2 (argon2-cffi), off the event loop and with uniform timing.

Argon2 is deliberately slow (tens to hundreds of milliseconds): run on the event loop it
stalls every other request of the process, so the async helpers run it on a small pool of
threads (argon2-cffi releases the GIL). The pool is bounded so a burst of logins queues
instead of taking every core from the requests that do not hash.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: At most this many hashes run at once in one process; more wait their turn.
HASHING_THREADS = 2
_pool = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")


def hash_password(password: str) -> str:
    """Argon2id hash of `password`, salted."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`; never raises on a mismatch."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(parameters: tuple[int, int, int]) -> str:
    # One hash per set of parameters, so a check against it costs what a real one does.
    return _hasher.hash("kuaiqu-no-such-account")


def dummy_hash() -> str:
    """A hash no password matches, made with the current parameters.

    Verifying an unknown account against it takes as long as a real check, so timing does
    not tell emails apart.
    """
    return _dummy_hash((_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism))


def _verify_unknown(password: str) -> bool:
    verify_password(dummy_hash(), password)
    return False


async def hash_password_async(password: str) -> str:
    """`hash_password` on the hashing pool, leaving the event loop free."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """`verify_password` on the hashing pool.

    With no hash (unknown account) it checks against the dummy hash and returns False,
    in the same time.
    """
    loop = asyncio.get_running_loop()
    if password_hash is None:
        await loop.run_in_executor(_pool, _verify_unknown, password)
        return False
    return await loop.run_in_executor(_pool, verify_password, password_hash, password)
