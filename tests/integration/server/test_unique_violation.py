"""A lost race on a unique key is told apart from every other failed write, on both databases."""

from __future__ import annotations

import pytest
from piccolo.engine.base import Engine

from accounts.tables import User
from core.database import is_unique_violation
from tests.support.factories import make_user


async def test_a_second_row_with_a_unique_value_is_a_unique_violation(db: Engine) -> None:
    taken = await make_user()
    with pytest.raises(Exception) as caught:
        await User.insert(User(email=taken.email, name="twin", password_hash="x"))
    assert is_unique_violation(caught.value)


async def test_a_missing_required_value_is_not_a_unique_violation(db: Engine) -> None:
    with pytest.raises(Exception) as caught:
        await User.raw(
            "INSERT INTO account (email, name) VALUES ({}, NULL)", "nobody@example.invalid"
        )
    assert not is_unique_violation(caught.value)
    assert not is_unique_violation(ValueError("UNIQUE constraint failed"))
