"""The money of an order: subtotal, shipping fee, discount and total, in integer fen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Fee per delivery fulfilment (parcel), in fen.
SHIPPING_FEE = 1000
#: A supplier's delivered goods worth this much or more ship free, in fen.
FREE_SHIPPING_FROM = 9900


@dataclass(frozen=True, slots=True)
class Parcel:
    """A delivery fulfilment's supplier and the value of the goods in it."""

    supplier_id: int
    goods_value: int


def shipping_fee(parcels: Iterable[Parcel]) -> int:
    """¥10 per delivery parcel; free for a supplier whose delivered goods reach ¥99.

    Pickup costs nothing to ship. The threshold counts per supplier (like Tmall shops), so
    two parcels of one supplier worth ¥120 together ship free.
    """
    by_supplier: dict[int, list[int]] = {}
    for parcel in parcels:
        by_supplier.setdefault(parcel.supplier_id, []).append(parcel.goods_value)
    fee = 0
    for values in by_supplier.values():
        if sum(values) < FREE_SHIPPING_FROM:
            fee += SHIPPING_FEE * len(values)
    return fee


def order_total(subtotal: int, shipping: int, discount: int) -> int:
    """What the consumer pays: never below zero."""
    return max(0, subtotal + shipping - discount)
