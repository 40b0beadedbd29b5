"""The one table of allowed order and fulfilment moves."""

from __future__ import annotations

import itertools

import pytest

from fulfilment.errors import IllegalTransition
from fulfilment.state_machine import (
    FULFILMENT_MOVES,
    ORDER_MOVES,
    can_move_fulfilment,
    can_move_order,
    check_fulfilment_move,
    check_order_move,
)


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        ("pending_payment", "paid"),
        ("pending_payment", "cancelled"),
        ("paid", "completed"),
        ("paid", "cancelled"),
    ],
)
def test_order_moves_of_the_design_are_allowed(current: str, requested: str) -> None:
    assert can_move_order(current, requested)


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        ("pending_payment", "completed"),
        ("cancelled", "paid"),
        ("completed", "cancelled"),
        ("paid", "pending_payment"),
        ("cancelled", "cancelled"),
    ],
)
def test_other_order_moves_are_refused_naming_both_states(current: str, requested: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_order_move(current, requested)
    assert refused.value.status_code == 409
    assert f"is {current} and cannot become {requested}" in str(refused.value)


def test_pickup_runs_allocated_to_collected_or_expired() -> None:
    path = ["allocated", "preparing", "ready_for_pickup", "collected"]
    assert all(can_move_fulfilment("pickup", a, b) for a, b in itertools.pairwise(path))
    assert can_move_fulfilment("pickup", "ready_for_pickup", "expired")
    assert not can_move_fulfilment("pickup", "collected", "ready_for_pickup")
    assert not can_move_fulfilment("pickup", "allocated", "shipped")


def test_delivery_runs_allocated_shipped_delivered_and_cannot_cancel_once_shipped() -> None:
    assert can_move_fulfilment("delivery", "allocated", "shipped")
    assert can_move_fulfilment("delivery", "shipped", "delivered")
    assert can_move_fulfilment("delivery", "allocated", "cancelled")
    with pytest.raises(IllegalTransition, match="delivery fulfilment is shipped"):
        check_fulfilment_move("delivery", "shipped", "cancelled")
    assert not can_move_fulfilment("delivery", "allocated", "collected")


def test_no_state_moves_to_itself() -> None:
    pairs = set(ORDER_MOVES) | {p for moves in FULFILMENT_MOVES.values() for p in moves}
    assert all(a != b for a, b in pairs)
