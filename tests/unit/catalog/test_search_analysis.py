"""The text analysis of search: jieba words, pinyin, initials, bigrams, Latin/digit tokens."""

from __future__ import annotations

from catalog.search_analysis import (
    normalise_text,
    query_pieces,
    split_piece,
    sub_words,
    weighted_terms,
)
from catalog.search_index import ProductFacts, facets_of, terms_of
from catalog.synonyms import parse_terms


def test_a_name_gives_words_pinyin_initials_and_model_numbers() -> None:
    terms = weighted_terms("华为 Mate60 手机", 10)
    assert terms["华为"] == 10 and terms["手机"] == 10
    assert terms["huawei"] == 6 and terms["shouji"] == 6  # full pinyin at 3/5
    assert terms["hw"] == 3 and terms["sj"] == 3  # initials at 3/10
    assert terms["mate60"] == 10 and terms["mate"] == 8 and terms["60"] == 8


def test_neighbouring_latin_tokens_are_joined() -> None:
    terms = weighted_terms("Apple iPhone 15 Pro", 10)
    assert {"iphone15", "15pro", "appleiphone"} <= set(terms)


def test_chinese_bigrams_catch_words_jieba_does_not_know() -> None:
    assert "抽纸" in weighted_terms("维达 超韧抽纸", 10)


def test_search_mode_adds_the_shorter_words_of_long_ones() -> None:
    terms = weighted_terms("笔记本电脑", 10)
    assert {"笔记本电脑", "笔记本", "电脑"} <= set(terms)


def test_queries_are_cut_like_the_index() -> None:
    assert query_pieces("  苹果手机   苹果手机 ＭＡＴＥ６０ ") == ["苹果手机", "mate60"]
    assert split_piece("苹果手机") == ["苹果", "手机"]
    assert split_piece("小米14手机") == ["小米", "14", "手机"]
    assert "牛奶" in sub_words("纯牛奶")


def test_normalise_text_folds_width_and_case() -> None:
    assert normalise_text("  ＨＵＡＷＥＩ　Mate  60 ") == "huawei mate 60"


def test_product_terms_take_the_highest_weight_of_any_field() -> None:
    facts = ProductFacts(
        name="小米 14 手机",
        brand="小米 Xiaomi",
        categories=["手机通讯", "Mobile Phones"],
        skus=["XM-14-BLK"],
        specs={"颜色": ["黑色"], "存储": ["256GB"]},
    )
    terms = terms_of(facts)
    assert terms["小米"] == 10  # name beats brand
    assert terms["xiaomi"] == 8  # brand (English) beats the name's pinyin (6)
    assert terms["xm-14-blk"] == 9
    assert terms["256gb"] == 2
    assert facets_of(facts) == [("颜色", "黑色"), ("存储", "256GB")]


def test_synonym_groups_are_normalised_and_deduplicated() -> None:
    assert parse_terms("苹果，Apple、 IPHONE ,apple") == ["苹果", "apple", "iphone"]
    assert parse_terms(["iPhone 15", "苹果15"]) == ["iphone15", "苹果15"]
