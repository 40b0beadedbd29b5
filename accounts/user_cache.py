"""The logged-in account with its store scopes, cached and dropped at once when it changes.

Each account has a version (`core.versions`: Redis when configured, else memory). A cached
account is used only while its version is unchanged; logging out, a role change and a scope
change bump it. A logged-in request then costs one version read (a Redis GET, or a dict
look-up) instead of the account row and its store rows.
"""

from __future__ import annotations

from collections import OrderedDict

from accounts.roles import CurrentUser
from core import versions

#: Accounts kept per process; the least recently used one is dropped beyond this.
MAX_CACHED_USERS = 10_000

_entries: OrderedDict[int, tuple[int, CurrentUser | None]] = OrderedDict()
versions.on_configure(_entries.clear)


def _key(user_id: int) -> str:
    return f"user:{user_id}"


async def cached_user(user_id: int) -> CurrentUser | None:
    """The account behind a session (None when gone or disabled), cached while current."""
    # The version is read before the row: a change committed meanwhile bumps it again, so
    # the next request reloads rather than keeping a stale copy.
    version = await versions.current(_key(user_id))
    entry = _entries.get(user_id)
    if entry is not None and entry[0] == version:
        _entries.move_to_end(user_id)
        return entry[1]
    from accounts.users import load_user  # users imports this module to invalidate

    user = await load_user(user_id)
    _entries[user_id] = (version, user)
    if len(_entries) > MAX_CACHED_USERS:
        _entries.popitem(last=False)
    return user


async def invalidate(user_id: int) -> None:
    """Make the account be read again on its next request, in every process."""
    _entries.pop(user_id, None)
    await versions.bump(_key(user_id))
