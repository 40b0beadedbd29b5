"""Supplier stock management, one import away: access, adjustments, thresholds, transfers.

The work is done in `locations.stock_access` (who may manage what),
`locations.adjustments` (levels, counts, changes, thresholds, the ledger) and
`locations.transfers`; every change of a level goes through `locations.stock`.
"""

from __future__ import annotations

from catalog.variant_facts import VariantInfo, variants_by_sku, variants_info
from locations.adjustments import (
    ADJUST_REASONS,
    adjust_stock,
    current_level,
    set_low_stock_threshold,
    stock_levels,
    stock_movements,
)
from locations.stock import change_on_hand, count_delta
from locations.stock_access import (
    check_location_access,
    check_manager,
    check_variant_access,
    usable_locations,
    variant_for_sku,
)
from locations.transfers import close_transfer, list_transfers, start_transfer

__all__ = [
    "ADJUST_REASONS",
    "VariantInfo",
    "adjust_stock",
    "change_on_hand",
    "check_location_access",
    "check_manager",
    "check_variant_access",
    "close_transfer",
    "count_delta",
    "current_level",
    "list_transfers",
    "set_low_stock_threshold",
    "start_transfer",
    "stock_levels",
    "stock_movements",
    "usable_locations",
    "variant_for_sku",
    "variants_by_sku",
    "variants_info",
]
