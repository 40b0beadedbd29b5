"""The input guard names out-of-range numbers and NUL, and never fails on odd digits."""

from __future__ import annotations

import pytest

from server.security.input_guard import input_problem


def _scope(path: str = "/api/orders", query: str = "") -> dict:
    return {"type": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode()}


@pytest.mark.parametrize(
    "query",
    ["tab=%C2%B3", "tab=%C2%B2%C2%B3", "n=+-5", "n=-", "n=%EF%BC%91%EF%BC%92", "q=12abc"],
)
def test_digit_like_text_is_no_number_and_no_failure(query: str) -> None:
    assert input_problem(_scope(query=query)) is None


@pytest.mark.parametrize(
    "query", ["id=9223372036854775808", "id=-9223372036854775808", "id=" + "1" * 5000]
)
def test_numbers_beyond_64_bits_are_named(query: str) -> None:
    assert input_problem(_scope(query=query)) == "id is out of range (at most 9223372036854775807)"


def test_in_range_numbers_and_leading_zeros_pass() -> None:
    assert input_problem(_scope("/api/orders/0009223372036854775807", "page=0001")) is None


def test_nul_in_the_path_is_named() -> None:
    assert input_problem(_scope("/media/%00")) == "The address contains a NUL character"
