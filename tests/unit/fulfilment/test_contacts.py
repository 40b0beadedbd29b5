"""Mainland mobile numbers and pickup contacts: what people type, what is kept, what is refused."""

from __future__ import annotations

import pytest

from fulfilment.contacts import check_mobile, check_pickup_contact, last_four
from fulfilment.errors import InvalidOrder


@pytest.mark.parametrize(
    "typed",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "008613800138000"],
)
def test_a_mobile_number_is_kept_as_eleven_digits(typed: str) -> None:
    assert check_mobile(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["123", "12800138000", "010-6512 3456", "1380013800", "", "abc"])
def test_anything_else_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidOrder) as refused:
        check_mobile(typed)
    assert refused.value.extra["field"] == "phone"


def test_a_pickup_contact_needs_a_name_and_a_mobile_or_nothing() -> None:
    assert check_pickup_contact({}) == {}
    assert check_pickup_contact({"name": " 李雷 ", "phone": "139 1234 5678"}) == {
        "name": "李雷",
        "phone": "13912345678",
    }
    with pytest.raises(InvalidOrder) as nameless:
        check_pickup_contact({"phone": "13912345678"})
    assert nameless.value.extra["field"] == "pickup_contact.name"
    assert last_four("13912345678") == "5678" and last_four("12") == ""
