"""The words of a notification: Chinese from the locale catalogues, then the English source.

An inbox row and its e-mail are written once, outside any request's language, and read by
someone whose language may change later; so a title and body carry both: "中文 / English".
The Chinese comes from the merged zh-CN catalogues (`notifications/locale/*.zh_CN.json`),
so the wording lives with the other translations and not in the code that sends.
"""

from __future__ import annotations

from core.i18n import zh_catalogue


def both(message: str, **params: object) -> str:
    """`message` (an English catalogue key with `{name}` fields) in Chinese, then English.

    Parameters are filled in after the lookup; they may hold user text (a note, a reply),
    which stays plain text here and is escaped where a page shows it. Without parameters
    nothing is formatted, so any text (braces and all) may be passed.
    """
    chinese = zh_catalogue().get(message, message)
    english = message
    if params:
        english, chinese = english.format(**params), chinese.format(**params)
    return chinese if chinese == english else f"{chinese} / {english}"
