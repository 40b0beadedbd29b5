"""Search relevance over the demo catalogue: Chinese queries a person types, and the product
each must find first or among the first three, the same on SQLite and PostgreSQL.

The queries cover words without spaces ("苹果手机"), pinyin and initials ("pingguo",
"nfsq"), brands, model numbers ("mate60", "wh1000xm5") and the demo's synonym groups
("移动电源" → 充电宝).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from piccolo.engine.base import Engine

from catalog.search import SearchQuery, search_products
from catalog.tables import Product
from core.database import use_engine
from server.demo.load import load_demo
from tests.support import databases

#: (query, the product name that must come, the rank it must reach at worst).
CASES: list[tuple[str, str, int]] = [
    ("苹果手机", "Apple iPhone 15 手机", 1),
    ("苹果 手机", "Apple iPhone 15 手机", 1),
    ("iphone", "Apple iPhone 15 手机", 1),
    ("iphone15", "Apple iPhone 15 手机", 1),
    ("pingguo shouji", "Apple iPhone 15 手机", 1),
    ("pingguo", "Apple iPhone 15 手机", 3),
    ("华为手机", "华为 Mate 60 手机", 3),
    ("华为手机", "华为 Mate 60 Pro 手机", 3),
    ("mate60", "华为 Mate 60 手机", 3),
    ("Mate 60", "华为 Mate 60 手机", 3),
    ("mate60pro", "华为 Mate 60 Pro 手机", 1),
    ("huawei", "华为 Mate 60 手机", 3),
    ("华为耳机", "华为 FreeBuds Pro 3 无线耳机", 1),
    ("苹果耳机", "Apple AirPods Pro（第二代）无线耳机", 1),
    ("小米14", "小米 14 手机", 1),
    ("xiaomi 14", "小米 14 手机", 1),
    ("小米充电宝", "小米 充电宝 20000mAh 22.5W", 1),
    ("移动电源", "小米 充电宝 20000mAh 22.5W", 1),
    ("苹果笔记本", "Apple MacBook Air 13 英寸 M3 笔记本电脑", 1),
    ("macbook", "Apple MacBook Air 13 英寸 M3 笔记本电脑", 1),
    ("笔记本电脑", "联想 小新 Pro 14 2024 笔记本电脑", 3),
    ("小新pro", "联想 小新 Pro 14 2024 笔记本电脑", 1),
    ("降噪耳机", "索尼 WH-1000XM5 头戴式降噪耳机", 1),
    ("wh1000xm5", "索尼 WH-1000XM5 头戴式降噪耳机", 1),
    ("无线鼠标", "罗技 MX Master 3S 无线鼠标", 1),
    ("农夫山泉", "农夫山泉 饮用天然水 550ml×24瓶", 1),
    ("nongfushanquan", "农夫山泉 饮用天然水 550ml×24瓶", 1),
    ("nfsq", "农夫山泉 饮用天然水 550ml×24瓶", 1),
    ("可乐", "可口可乐 碳酸饮料 330ml×24罐", 1),
    ("coca cola", "可口可乐 碳酸饮料 330ml×24罐", 1),
    ("纯牛奶", "伊利 纯牛奶 250ml×24盒", 3),
    ("特仑苏", "蒙牛 特仑苏 纯牛奶 250ml×12盒", 1),
    ("酸奶", "安慕希 希腊风味酸奶 205g×12盒", 1),
    ("速溶咖啡", "雀巢 1+2 原味 速溶咖啡 15g×30条", 1),
    ("雀巢咖啡", "雀巢 1+2 原味 速溶咖啡 15g×30条", 1),
    ("啤酒", "青岛啤酒 经典 10度 500ml×12罐", 1),
    ("三体", "三体（全三册）刘慈欣 著", 1),
    ("洗发水", "海飞丝 去屑洗发水 750g", 1),
    ("跑鞋", "安踏 男子 缓震跑步鞋", 3),
    ("跑步鞋", "特步 女子 轻便跑步鞋", 3),
    ("电饭煲", "美的 智能电饭煲 4L", 1),
    ("保温杯", "膳魔师 不锈钢保温杯 500ml", 1),
    ("纸巾", "维达 超韧抽纸 3层110抽×24包", 1),
    ("奶粉", "飞鹤 星飞帆 婴幼儿配方奶粉 700g", 1),
    ("纸尿裤", "帮宝适 一级帮 纸尿裤", 1),
    ("电动牙刷", "飞利浦 Sonicare 声波电动牙刷", 1),
    ("辣条", "卫龙 大面筋 辣条 102g×5袋", 1),
    ("生抽", "海天 金标生抽 1.28L", 1),
]


async def _ranks() -> list[tuple[str, list[str]]]:
    """Each query's first five product names."""
    answers = []
    for query, _, _ in CASES:
        result = await search_products(SearchQuery(q=query, per_page=5))
        answers.append((query, [item["name"] for item in result.items]))
    return answers


def test_the_cases_name_demo_products() -> None:
    from server.demo import content

    names = {p["name"] for p in content.PRODUCTS}
    assert len(CASES) >= 30
    assert all(name in names for _, name, _ in CASES)


async def test_each_query_finds_what_a_person_means(db: Engine, tmp_path: Path) -> None:
    await load_demo(tmp_path)
    misses = []
    for query, first_names in await _ranks():
        for q, name, worst in CASES:
            if q == query and name not in first_names[:worst]:
                misses.append((query, name, worst, first_names))
    assert not misses, "\n".join(map(str, misses))


async def test_sqlite_and_postgresql_rank_alike(
    engines: dict[str, Engine | Exception], tmp_path: Path
) -> None:
    answers: dict[str, list[tuple[str, list[str]]]] = {}
    for backend, engine in engines.items():
        if isinstance(engine, Exception):
            if databases.REQUIRE_SERVICES:
                pytest.fail(f"{backend} is not reachable: {engine}")
            pytest.skip(f"{backend} is not reachable: {engine}")
        use_engine(engine)
        await databases.empty_all_tables(engine)
        await load_demo(tmp_path / backend)
        assert await Product.count() > 50
        answers[backend] = await _ranks()
    assert answers["sqlite"] == answers["postgres"]
