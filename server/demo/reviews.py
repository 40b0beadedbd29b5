"""Demo reviews: what buyers said about a few products, keyed by a SKU of the product."""

from __future__ import annotations

#: (sku of the product, author as shown, stars, text, days ago, shop reply or "").
REVIEWS: list[tuple[str, str, int, str, int, str]] = [
    (
        "HW-M60P-GRN-256",
        "王*",
        5,
        "到店自提很方便，下单两小时就能取。屏幕细腻，卫星通话在山里试了一次，真的能打通。",
        3,
        "感谢您的认可！使用中有任何问题，欢迎随时联系星联数码客服。",
    ),
    (
        "HW-M60P-GRN-256",
        "陈*",
        4,
        "拍照很强，夜景清楚。就是有点重，戴壳以后更明显。",
        6,
        "",
    ),
    (
        "HW-M60P-GRN-256",
        "刘*",
        5,
        "给父母买的，字体调大以后老人用着顺手，续航一天没问题。",
        11,
        "",
    ),
    ("MI-14-BLK-512", "赵*", 5, "小屏旗舰，手感很好，充电速度快。", 4, ""),
    ("MI-14-BLK-512", "孙*", 3, "系统广告有点多，关掉以后还可以。", 9, ""),
    ("SONY-XM5-BLK", "周*", 5, "降噪效果明显，地铁上基本听不到报站声，记得开环境音。", 5, ""),
    ("COKE-330-24-ZERO", "吴*", 5, "整箱自提，店员帮忙搬到车上，赞。", 2, ""),
]
