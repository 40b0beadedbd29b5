"""Which locations fulfil which lines: nearest-store pickup or delivery per supplier.

A strategy object (as django-oscar's) so a deployment can route differently (e.g. prefer
its own warehouses) without touching checkout: `DefaultRouting.plan(...)` returns a `Plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fulfilment.errors import InvalidOrder, OutOfStock
from fulfilment.goods import Goods
from fulfilment.hours import ready_time
from fulfilment.statuses import FulfilmentMethod
from locations.kinds import LocationKind
from locations.nearest import PICKUP_RADIUS_M, NearbyLocation, distance_m, nearest_locations
from locations.places import StoreStock, place_with_stock

#: How many pickup stores the consumer is offered.
CANDIDATE_LIMIT = 8
#: How many nearby locations are searched when one supplier's lines must be split.
SPLIT_SEARCH_LIMIT = 20


def _(message: str) -> str:
    """Mark a note for translation; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Note:
    """A sentence for the consumer about the plan, translated at the edge."""

    message: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class PlannedFulfilment:
    """One location's share of the order."""

    method: str
    location_id: int
    location_name: str
    supplier_id: int | None
    #: variant id → quantity.
    lines: dict[int, int]
    ready_at: datetime | None = None
    #: Where the goods are, as the order page shows it.
    location_address: str = ""
    opening_hours: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """The fulfilments of an order, the pickup stores offered, and notes for the consumer."""

    fulfilments: list[PlannedFulfilment]
    candidates: list[NearbyLocation]
    notes: list[Note]
    ready_at: dict[int, datetime] = field(default_factory=dict)


async def _location_at(
    location_id: int,
    wanted: dict[int, int],
    position: tuple | None,
    store: StoreStock | None = None,
):
    """A chosen store as a `NearbyLocation` (distance from the position when known).

    `store`: the store and its stock of `wanted`, when the caller read them.
    """
    store = store or await place_with_stock(location_id, wanted)
    row = store.place
    if (
        row is None
        or not row["is_active"]
        or row["kind"] != LocationKind.STORE
        or not row["pickup_enabled"]
    ):
        raise InvalidOrder("Store {id} does not offer pickup", id=location_id)
    available = {v: max(0, store.available.get(v, 0)) for v in wanted}
    return NearbyLocation(
        location_id=row["id"],
        name=row["name"],
        kind=row["kind"],
        distance_m=distance_m(position, (row["lat"], row["lon"])) if position else 0.0,
        lat=row["lat"],
        lon=row["lon"],
        address=row["address"],
        opening_hours=row["opening_hours"],
        pickup_hold_days=row["pickup_hold_days"],
        prep_minutes=row["prep_minutes"],
        available=available,
        holds_all=all(available[v] >= q for v, q in wanted.items()),
    )


def shortage_error(
    shortages: dict[int, tuple[int, int]], goods: dict[int, Goods] | None = None
) -> OutOfStock:
    """An `OutOfStock` naming each line: variant id → (requested, available)."""
    first = min(shortages)
    requested, available = shortages[first]
    item = (goods or {}).get(first)
    error = OutOfStock(
        "Only {available} left of {name} (you asked for {requested})",
        available=available,
        name=item.product_name if item else f"#{first}",
        requested=requested,
    )
    error.extra["lines"] = [
        {"variant_id": v, "requested": r, "available": a} for v, (r, a) in sorted(shortages.items())
    ]
    return error


def pinned_store_shortage(
    plan: Plan, wanted: dict[int, int], goods: dict[int, Goods], location_id: int
) -> OutOfStock | None:
    """Why a pickup pinned to a store cannot be placed there whole, or None when it can.

    The buyer chose the store, so the order is all picked up there or refused: never split
    into a delivery parcel the buyer did not ask for. The refusal names each line the store
    is short of, with what was asked and what each nearby store can give (from the plan's
    candidates, read with the plan).
    """
    whole = [
        f
        for f in plan.fulfilments
        if f.method == FulfilmentMethod.PICKUP and f.location_id == location_id
    ]
    if len(plan.fulfilments) == 1 and whole and whole[0].lines == wanted:
        return None
    stores = [c for c in plan.candidates if c.kind == LocationKind.STORE]
    pinned = next((c for c in stores if c.location_id == location_id), None)
    here = {v: max(0, (pinned.available if pinned else {}).get(v, 0)) for v in wanted}
    short = {v: (q, here[v]) for v, q in wanted.items() if here[v] < q} or {
        v: (q, here[v]) for v, q in wanted.items()
    }
    first = min(short)
    requested, available = short[first]
    item = goods.get(first)
    error = OutOfStock(
        "{store} can no longer hold this order: only {available} of {name} there "
        "(you asked for {requested}); choose another store or delivery",
        store=pinned.name if pinned else f"#{location_id}",
        available=available,
        name=item.product_name if item else f"#{first}",
        requested=requested,
    )
    error.extra["lines"] = [
        {
            "variant_id": v,
            "requested": r,
            "available": a,
            "stores": [
                {
                    "location_id": c.location_id,
                    "name": c.name,
                    "distance_m": round(c.distance_m),
                    "available": max(0, c.available.get(v, 0)),
                    "holds_all": c.holds_all,
                }
                for c in stores
            ],
        }
        for v, (r, a) in sorted(short.items())
    ]
    return error


class DefaultRouting:
    """Pickup at the nearest store holding everything; delivery from the nearest holder."""

    async def plan(
        self,
        *,
        wanted: dict[int, int],
        goods: dict[int, Goods],
        method: str,
        position: tuple[float, float] | None,
        location_id: int | None,
        now: datetime,
        store: StoreStock | None = None,
    ) -> Plan:
        """Plan the fulfilments of `wanted` (variant id → quantity).

        `store`: the chosen store (`location_id`) and its stock of `wanted`, when the
        caller already read them (`checkout.chosen_store`).
        """
        if method == FulfilmentMethod.PICKUP:
            return await self._pickup(wanted, goods, position, location_id, now, store)
        if position is None:
            raise InvalidOrder("Delivery needs your position or a delivery address")
        fulfilments = await self._delivery(wanted, goods, position)
        return Plan(fulfilments=fulfilments, candidates=[], notes=[])

    async def _pickup(
        self,
        wanted: dict[int, int],
        goods: dict[int, Goods],
        position: tuple[float, float] | None,
        location_id: int | None,
        now: datetime,
        store: StoreStock | None = None,
    ) -> Plan:
        notes: list[Note] = []
        candidates: list[NearbyLocation] = []
        if position is not None:
            candidates = await nearest_locations(
                position[0],
                position[1],
                quantities=wanted,
                require="any",
                kinds=(LocationKind.STORE,),
                pickup_only=True,
                limit=CANDIDATE_LIMIT,
            )
            holding_all = [c for c in candidates if c.holds_all]
            if not holding_all:
                nearest_full = await nearest_locations(
                    position[0], position[1], quantities=wanted, require="all", limit=1
                )
                candidates = sorted([*candidates, *nearest_full], key=lambda c: c.distance_m)
            # Stores beyond the radius are not offered; one picked by id is still honoured.
            candidates = [c for c in candidates if c.distance_m <= PICKUP_RADIUS_M]
        chosen: NearbyLocation | None = None
        if location_id is not None:
            chosen = next((c for c in candidates if c.location_id == location_id), None)
            chosen = chosen or await _location_at(location_id, wanted, position, store)
            if all(c.location_id != location_id for c in candidates):
                candidates = [chosen, *candidates]
        elif position is None:
            raise InvalidOrder("Pickup needs your position, an address or a chosen store")
        else:
            chosen = next((c for c in candidates if c.holds_all), None)
        ready = {
            c.location_id: ready_time(now, c.prep_minutes, c.opening_hours) for c in candidates
        }
        if chosen is not None and chosen.holds_all:
            fulfilment = PlannedFulfilment(
                FulfilmentMethod.PICKUP,
                chosen.location_id,
                chosen.name,
                None,
                dict(wanted),
                ready[chosen.location_id],
                chosen.address,
                chosen.opening_hours,
            )
            return Plan([fulfilment], candidates, notes, ready)
        # No store holds everything (or the chosen one does not): pick up what the store has,
        # deliver the rest.
        partial = chosen or next((c for c in candidates if any(c.available.values())), None)
        fulfilments: list[PlannedFulfilment] = []
        rest = dict(wanted)
        if partial is not None:
            here = {v: min(q, partial.available.get(v, 0)) for v, q in wanted.items()}
            here = {v: q for v, q in here.items() if q > 0}
            if here:
                fulfilments.append(
                    PlannedFulfilment(
                        FulfilmentMethod.PICKUP,
                        partial.location_id,
                        partial.name,
                        None,
                        here,
                        ready[partial.location_id],
                        partial.address,
                        partial.opening_hours,
                    )
                )
                rest = {v: q - here.get(v, 0) for v, q in wanted.items() if q - here.get(v, 0)}
        if position is None and rest:
            raise InvalidOrder(
                "{store} does not hold everything; share your position so the rest can be "
                "delivered",
                store=partial.name if partial else "",
            )
        if rest:
            assert position is not None
            fulfilments += await self._delivery(rest, goods, position)
            if fulfilments and fulfilments[0].method == FulfilmentMethod.PICKUP:
                notes.append(
                    Note(
                        _(
                            "No store near you holds everything: {store} has part of it and "
                            "the rest is delivered. Choose delivery to have it all delivered."
                        ),
                        {"store": fulfilments[0].location_name},
                    )
                )
            elif not candidates:
                notes.append(
                    Note(
                        _(
                            "No pickup store within {km} km of you has these goods: they are "
                            "delivered instead."
                        ),
                        {"km": PICKUP_RADIUS_M // 1000},
                    )
                )
            else:
                notes.append(
                    Note(_("No store near you holds these goods: they are delivered instead."))
                )
        return Plan(fulfilments, candidates, notes, ready)

    async def _delivery(
        self, wanted: dict[int, int], goods: dict[int, Goods], position: tuple[float, float]
    ) -> list[PlannedFulfilment]:
        """Each supplier's lines from the nearest location holding them all, else split."""
        by_supplier: dict[int, dict[int, int]] = {}
        for variant_id, quantity in wanted.items():
            by_supplier.setdefault(goods[variant_id].supplier_id, {})[variant_id] = quantity
        fulfilments: list[PlannedFulfilment] = []
        shortages: dict[int, tuple[int, int]] = {}
        for supplier_id, lines in sorted(by_supplier.items()):
            whole = await nearest_locations(
                *position,
                quantities=lines,
                require="all",
                kinds=(LocationKind.WAREHOUSE, LocationKind.STORE),
                pickup_only=False,
                limit=1,
            )
            if whole:
                loc = whole[0]
                fulfilments.append(
                    PlannedFulfilment(
                        FulfilmentMethod.DELIVERY,
                        loc.location_id,
                        loc.name,
                        supplier_id,
                        lines,
                        location_address=loc.address,
                        opening_hours=loc.opening_hours,
                    )
                )
                continue
            nearby = await nearest_locations(
                *position,
                quantities=lines,
                require="any",
                kinds=(LocationKind.WAREHOUSE, LocationKind.STORE),
                pickup_only=False,
                limit=SPLIT_SEARCH_LIMIT,
            )
            parts: dict[int, PlannedFulfilment] = {}
            for variant_id, quantity in lines.items():
                left = quantity
                for loc in nearby:
                    take = min(left, loc.available.get(variant_id, 0))
                    if take <= 0:
                        continue
                    part = parts.setdefault(
                        loc.location_id,
                        PlannedFulfilment(
                            FulfilmentMethod.DELIVERY,
                            loc.location_id,
                            loc.name,
                            supplier_id,
                            {},
                            location_address=loc.address,
                            opening_hours=loc.opening_hours,
                        ),
                    )
                    part.lines[variant_id] = take
                    left -= take
                    if not left:
                        break
                if left:
                    shortages[variant_id] = (quantity, quantity - left)
            fulfilments += parts.values()
        if shortages:
            raise shortage_error(shortages, goods)
        return fulfilments


#: The strategy checkout uses; replace to route differently.
routing = DefaultRouting()
