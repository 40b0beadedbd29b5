"""Text → search terms: jieba word segmentation, pypinyin and Latin/digit tokens.

The index and the query go through the same functions, so "苹果手机", "苹果 手机",
"pingguo", "pg", "mate60" and "Mate 60" meet the terms a product was indexed under:

- Chinese runs are cut into words by jieba (search mode on the index side, so "笔记本电脑"
  also yields "笔记本" and "电脑"); each word adds its full pinyin ("pingguo") and, for
  words of two or more characters, its initials ("pg").
- Every pair of neighbouring Chinese characters is a term too (at a lower weight), so a
  word jieba does not know ("抽纸" in "超韧抽纸") is still found.
- Latin and digit runs give their tokens ("mate", "60"), each letter/digit part of a mixed
  token ("256gb" → "256", "gb") and adjacent pairs joined ("mate 60" → "mate60").

Everything here is pure Python, with no database; `catalog.search_index` writes the terms
and `catalog.search` resolves a query's terms against them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba
from pypinyin import Style, lazy_pinyin

#: Longest stored term; longer ones are cut (the column is Varchar(64)).
MAX_TERM = 64
#: Query pieces read from one query; the rest is ignored.
MAX_QUERY_PIECES = 8

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+(?:[.][0-9]+)?")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_PARTS = re.compile(r"[a-z]+|[0-9]+(?:[.][0-9]+)?")

jieba.setLogLevel(logging.WARNING)
_ready = False


def warm_up() -> None:
    """Load jieba's dictionary now (about half a second) instead of on the first search."""
    global _ready
    if not _ready:
        jieba.initialize()
        _ready = True


def normalise_text(text: str) -> str:
    """Lower-case, full-width to half-width (NFKC) and single spaces: what search compares."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def is_chinese(text: str) -> bool:
    """Whether the text holds at least one Chinese character."""
    return bool(_CJK.search(text))


def is_latin(term: str) -> bool:
    """Whether a term is made of ASCII letters and digits only (pinyin, models, brands)."""
    return term.isascii() and term.isalnum()


def runs(text: str) -> list[str]:
    """The Chinese and Latin/digit runs of normalised text, in order ("22.5w" stays one)."""
    return _RUN.findall(normalise_text(text))


def chinese_words(run: str, *, for_index: bool) -> list[str]:
    """The words jieba finds in a Chinese run (the index also takes words inside long ones)."""
    warm_up()
    cut = jieba.cut_for_search(run, HMM=False) if for_index else jieba.cut(run, HMM=False)
    return [w for w in cut if w.strip()]


def pinyin_of(word: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials of a Chinese word ("苹果" → pingguo, pg)."""
    full = "".join(lazy_pinyin(word))
    initials = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))
    return full, initials


def bigrams(run: str) -> list[str]:
    """Each pair of neighbouring characters of a Chinese run ("超韧抽纸" → 超韧, 韧抽, 抽纸).

    Indexed besides jieba's words, so a word jieba does not know in a name ("抽纸") still
    matches, at a lower weight.
    """
    return [run[i : i + 2] for i in range(len(run) - 1)]


def latin_parts(token: str) -> list[str]:
    """The letter and digit parts of a mixed token ("mate60" → mate, 60), if it has several."""
    parts = _LATIN_PARTS.findall(token)
    return parts if len(parts) > 1 else []


def weighted_terms(text: str, weight: int, *, pinyin: bool = True) -> dict[str, int]:
    """Every term of a text with the given weight (pinyin at 3/5 of it, initials at 3/10)."""
    found: dict[str, int] = {}

    def add(term: str, w: int) -> None:
        term = term[:MAX_TERM]
        if term and w > found.get(term, 0):
            found[term] = w

    previous_latin: str | None = None
    for run in runs(text):
        if is_chinese(run):
            previous_latin = None
            for word in chinese_words(run, for_index=True):
                add(word, weight)
                if pinyin:
                    full, initials = pinyin_of(word)
                    add(full, weight * 3 // 5)
                    if len(word) > 1:
                        add(initials, weight * 3 // 10)
            for bigram in bigrams(run):
                add(bigram, weight * 7 // 10)
            continue
        add(run, weight)
        for part in latin_parts(run):
            add(part, weight * 4 // 5)
        if previous_latin is not None:
            add(previous_latin + run, weight)
        previous_latin = run
    return found


def merge(*term_sets: dict[str, int]) -> dict[str, int]:
    """Terms of several fields, each at the highest weight any field gave it."""
    merged: dict[str, int] = {}
    for terms in term_sets:
        for term, weight in terms.items():
            if weight > merged.get(term, 0):
                merged[term] = weight
    return merged


def query_pieces(q: str) -> list[str]:
    """The whitespace-separated pieces of a query, normalised, without duplicates."""
    return list(dict.fromkeys(normalise_text(q).split()))[:MAX_QUERY_PIECES]


def split_piece(piece: str) -> list[str]:
    """A query piece cut into the words a person meant ("苹果手机" → 苹果, 手机).

    Chinese runs are cut by jieba (precise mode), Latin/digit runs kept whole; the caller
    splits further (`sub_words`, `latin_parts`) only when a word is not in the index.
    """
    words: list[str] = []
    for run in _RUN.findall(piece):
        words.extend(chinese_words(run, for_index=False) if is_chinese(run) else [run])
    return words


def sub_words(word: str) -> list[str]:
    """Shorter words inside a Chinese word, for a query word the index does not know."""
    inner = [w for w in chinese_words(word, for_index=True) if len(w) < len(word)]
    if len(word) > 2 and all(len(w) == 1 for w in inner):
        inner = bigrams(word)
    return list(dict.fromkeys(inner)) or (list(word) if len(word) > 1 else [])


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
