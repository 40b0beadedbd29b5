"""Sanity checks for the demo seed data and artwork (``server.demo.content`` / ``.images``).

No database needed: these tests assert what someone clicking through the demo would notice -
enough suppliers and products, a sensible category tree, valid barcodes, stores in the right
cities, believable stock levels and logins for every role.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from typing import Any

import pytest

from server.demo import content, images

CITY_BOXES: dict[str, tuple[float, float, float, float]] = {
    # city: (lat_min, lat_max, lon_min, lon_max)
    "北京": (39.4, 41.1, 115.4, 117.6),
    "上海": (30.6, 31.9, 120.8, 122.2),
    "广州": (22.5, 23.95, 112.9, 114.1),
    "深圳": (22.4, 22.9, 113.7, 114.7),
}
ROLES = {"consumer", "staff", "supplier", "operator"}
HOURS_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")


def _variants() -> list[dict[str, Any]]:
    return [v for p in content.PRODUCTS for v in p["variants"]]


def _stores() -> list[dict[str, Any]]:
    return [loc for loc in content.LOCATIONS if loc["kind"] == "store"]


def _ean13_ok(code: str) -> bool:
    if len(code) != 13 or not code.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


# ---------------------------------------------------------------- suppliers


def test_suppliers_are_complete() -> None:
    suppliers = content.SUPPLIERS
    assert len(suppliers) >= 3
    keys = [s["key"] for s in suppliers]
    assert len(set(keys)) == len(keys)
    for s in suppliers:
        assert re.fullmatch(r"[a-z0-9-]+", s["key"])
        assert s["name"] and s["company_name"].endswith("有限公司")
        assert re.fullmatch(r"[0-9A-Z]{18}", s["licence_no"])
        assert re.fullmatch(r"[0-9A-Z]{18}", s["tax_no"])
        assert re.fullmatch(r"1[3-9]\d{9}", s["contact_phone"])
        assert s["contact_email"].isascii() and s["contact_email"].endswith("@example.cn")
        assert s["intro"]
        assert isinstance(s["commission_bp"], int) and 0 < s["commission_bp"] < 10_000
        assert isinstance(s["deposit"], int) and s["deposit"] > 0


# ---------------------------------------------------------------- categories & products


def test_category_tree_is_well_formed() -> None:
    seen: set[str] = set()
    for cat in content.CATEGORIES:
        assert cat["key"] not in seen, f"duplicate category {cat['key']}"
        assert cat["parent"] is None or cat["parent"] in seen, "parents must come first"
        assert cat["name_zh"] and cat["name_en"]
        seen.add(cat["key"])


def test_every_top_level_category_has_products() -> None:
    parent = {c["key"]: c["parent"] for c in content.CATEGORIES}

    def top(key: str) -> str:
        while parent[key] is not None:
            key = parent[key]
        return key

    tops = [k for k, p in parent.items() if p is None]
    assert len(tops) >= 6
    per_top = Counter(top(p["category"]) for p in content.PRODUCTS)
    assert all(per_top[k] >= 1 for k in tops), per_top


def test_products_reference_known_suppliers_and_categories() -> None:
    suppliers = {s["key"] for s in content.SUPPLIERS}
    categories = {c["key"] for c in content.CATEGORIES}
    assert len(content.PRODUCTS) >= 40
    for p in content.PRODUCTS:
        assert p["supplier"] in suppliers, p["name"]
        assert p["category"] in categories, p["name"]
        assert p["name"] and p["name_en"] and p["brand"] and p["description"]
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", p["color"])
    # Every supplier sells something, and the catalogue is not split evenly.
    per_supplier = Counter(p["supplier"] for p in content.PRODUCTS)
    assert set(per_supplier) == suppliers
    assert len(set(per_supplier.values())) > 1


def test_catalogue_mixes_single_and_multi_variant_products() -> None:
    counts = [len(p["variants"]) for p in content.PRODUCTS]
    assert len(_variants()) >= 100
    assert 1 in counts and max(counts) > 1
    assert any("手机" in p["name"] for p in content.PRODUCTS)


def test_skus_and_barcodes_are_unique_and_valid() -> None:
    skus = [v["sku"] for v in _variants()]
    barcodes = [v["barcode"] for v in _variants()]
    assert len(set(skus)) == len(skus)
    assert len(set(barcodes)) == len(barcodes)
    assert all(sku.isascii() and " " not in sku for sku in skus)
    for code in barcodes:
        assert _ean13_ok(code), code
        assert code.startswith("69"), code


def test_variant_options_match_specs() -> None:
    for p in content.PRODUCTS:
        specs = p["specs"]
        assert p["variants"], p["name"]
        if not specs:
            assert len(p["variants"]) == 1
        combos = set()
        for v in p["variants"]:
            assert set(v["options"]) == set(specs), v["sku"]
            for spec, value in v["options"].items():
                assert value in specs[spec], (v["sku"], spec, value)
            combos.add(tuple(sorted(v["options"].items())))
        assert len(combos) == len(p["variants"]), f"duplicate option combination in {p['name']}"


def test_prices_and_weights_are_positive_ints() -> None:
    for v in _variants():
        assert isinstance(v["price"], int) and not isinstance(v["price"], bool)
        assert v["price"] > 0, v["sku"]
        assert isinstance(v["weight_g"], int) and v["weight_g"] > 0, v["sku"]


# ---------------------------------------------------------------- locations


def test_stores_cover_four_cities_with_plausible_coordinates() -> None:
    stores = _stores()
    assert len(stores) >= 12
    per_city = Counter(s["city"] for s in stores)
    assert set(per_city) == set(CITY_BOXES)
    assert all(n >= 3 for n in per_city.values()), per_city
    for loc in content.LOCATIONS:
        lat_min, lat_max, lon_min, lon_max = CITY_BOXES[loc["city"]]
        assert lat_min <= loc["lat"] <= lat_max, loc["key"]
        assert lon_min <= loc["lon"] <= lon_max, loc["key"]


def test_locations_are_well_formed() -> None:
    keys = [loc["key"] for loc in content.LOCATIONS]
    assert len(set(keys)) == len(keys)
    warehouses = [loc for loc in content.LOCATIONS if loc["kind"] == "warehouse"]
    assert len(warehouses) >= 2
    for loc in content.LOCATIONS:
        assert loc["kind"] in {"store", "warehouse"}
        assert re.fullmatch(r"[a-z0-9-]+", loc["key"])
        assert loc["address"].startswith(loc["city"] + "市")
        assert loc["district"] in loc["address"]
        assert re.fullmatch(r"\d{6}", loc["adcode"])
        assert len(loc["opening_hours"]) == 7
        assert all(h == "" or HOURS_RE.match(h) for h in loc["opening_hours"]), loc["key"]
        if loc["kind"] == "store":
            assert loc["pickup_enabled"] is True
            assert 3 <= loc["pickup_hold_days"] <= 7
            assert 20 <= loc["prep_minutes"] <= 60
            assert all(loc["opening_hours"]), "demo stores open every day"
        else:
            assert loc["pickup_enabled"] is False
            assert loc["pickup_hold_days"] == 0


# ---------------------------------------------------------------- stock


def test_stock_plan_is_deterministic_and_consistent() -> None:
    rows = content.stock_plan()
    assert rows == content.stock_plan()
    assert rows == content.stock_plan(2026)
    assert rows != content.stock_plan(7)
    pairs = [(loc, sku) for loc, sku, _ in rows]
    assert len(set(pairs)) == len(pairs)
    locations = {loc["key"] for loc in content.LOCATIONS}
    skus = {v["sku"] for v in _variants()}
    for loc, sku, qty in rows:
        assert loc in locations and sku in skus
        assert isinstance(qty, int) and qty >= 0


def test_stock_plan_is_believably_uneven() -> None:
    rows = content.stock_plan()
    held: dict[str, set[str]] = defaultdict(set)
    per_location: Counter[str] = Counter()
    for loc, sku, qty in rows:
        if qty > 0:
            held[sku].add(loc)
            per_location[loc] += 1
    stores = _stores()
    assert all(per_location[s["key"]] > 0 for s in stores)
    all_skus = [v["sku"] for v in _variants()]
    assert any(0 < len(held[sku]) <= 2 for sku in all_skus), "some SKU should be scarce"
    assert any(not held[sku] for sku in all_skus), "some SKU should be sold out everywhere"
    store_keys = {s["key"] for s in stores}
    assert any(1 <= qty <= 3 for loc, _, qty in rows if loc in store_keys), "few-left lines"
    # Warehouses carry the bulk of the range.
    for wh in (loc for loc in content.LOCATIONS if loc["kind"] == "warehouse"):
        assert per_location[wh["key"]] >= len(all_skus) // 2


# ---------------------------------------------------------------- users


def test_users_cover_roles_with_valid_scopes() -> None:
    users = content.USERS
    emails = [u["email"] for u in users]
    assert len(set(emails)) == len(emails)
    assert {u["role"] for u in users} == ROLES
    for required in (
        "operator@kuaiqu.test",
        "consumer@kuaiqu.test",
        "staff.bj@kuaiqu.test",
        "staff.sh@kuaiqu.test",
        "supplier@kuaiqu.test",
        "supplier2@kuaiqu.test",
    ):
        assert required in emails
    stores = {s["key"] for s in _stores()}
    suppliers = {s["key"] for s in content.SUPPLIERS}
    for u in users:
        assert len(u["password"]) >= 10 and u["name"]
        if u["role"] in {"consumer", "operator"}:
            assert u["scope"] == []
        elif u["role"] == "staff":
            assert u["scope"]
            assert all(s.startswith("store:") and s[6:] in stores for s in u["scope"])
        else:
            assert len(u["scope"]) == 1
            assert u["scope"][0].startswith("supplier:") and u["scope"][0][9:] in suppliers
    by_email = {u["email"]: u for u in users}
    assert by_email["consumer@kuaiqu.test"]["name"] == "张伟"
    assert by_email["supplier@kuaiqu.test"]["scope"] == [f"supplier:{content.SUPPLIERS[0]['key']}"]
    assert by_email["supplier2@kuaiqu.test"]["scope"] == [f"supplier:{content.SUPPLIERS[1]['key']}"]


# ---------------------------------------------------------------- images


def _svg_text(svg: str) -> str:
    return "".join(ET.fromstring(svg).itertext())


@pytest.mark.parametrize(
    "title, color, subtitle",
    [
        ("华为 Mate 60 Pro 手机", "#2f6b5e", "华为 HUAWEI"),
        ("Apple AirPods Pro（第二代）无线耳机 超长标题测试 超长标题测试", "#e8e8ea", ""),
        ("Tom & Jerry <special> \"quoted\" 'single'", "not-a-colour", "A&B <c>"),
        ("", "#abc", ""),
    ],
)
def test_product_image_svg_is_valid_small_xml(title: str, color: str, subtitle: str) -> None:
    svg = images.product_image_svg(title, color, subtitle)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert root.get("viewBox") == "0 0 400 400"
    assert len(svg.encode("utf-8")) < 3 * 1024
    assert svg == images.product_image_svg(title, color, subtitle)


def test_svg_text_is_escaped() -> None:
    svg = images.product_image_svg("A<&B", "#123456", "x<&y")
    assert "A&lt;&amp;B" in svg and "<&" not in svg
    text = _svg_text(svg)
    assert "A<&B" in text and "x<&y" in text

    store = images.store_image_svg("快取 <测试> & 店", "北京")
    assert "&lt;测试&gt; &amp;" in store
    assert "快取 <测试> & 店" in _svg_text(store)


def test_store_images_for_all_locations() -> None:
    for loc in content.LOCATIONS:
        svg = images.store_image_svg(loc["name"], loc["city"])
        root = ET.fromstring(svg)
        assert root.get("viewBox") == "0 0 400 400"
        assert len(svg.encode("utf-8")) < 3 * 1024
        assert loc["name"] in _svg_text(svg)
        assert svg == images.store_image_svg(loc["name"], loc["city"])


def test_product_images_for_whole_catalogue() -> None:
    for p in content.PRODUCTS:
        svg = images.product_image_svg(p["name"], p["color"], p["brand"])
        ET.fromstring(svg)
        assert len(svg.encode("utf-8")) < 3 * 1024
