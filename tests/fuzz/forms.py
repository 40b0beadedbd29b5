"""A small crawler for the form fuzzer: follows a role's links and collects every HTML form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

#: Links the crawler never follows (they end the session or are not pages).
SKIPPED_PREFIXES = ("/logout", "/static/", "/media/", "/schema", "/ws/", "/api/", "/lang/")


@dataclass
class Form:
    """One HTML form: where it goes, how, and its fields with their default values."""

    action: str
    method: str
    multipart: bool
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms with the same target and fields are one form (e.g. per product row)."""
        path = re.sub(r"\d+", "N", urlsplit(self.action).path)
        return (self.method, path, tuple(sorted(self.fields)))


class _PageParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            self._form = Form(
                action=urljoin(self.base, a.get("action") or self.base),
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") == "file":
                self._form.files.append(a["name"])
            elif a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._form.fields.setdefault(a["name"], a.get("value", ""))
            if tag == "select":
                self._select = a["name"]
        elif tag == "option" and self._form is not None and self._select:
            self._form.fields[self._select] = self._form.fields.get(self._select) or a.get(
                "value", ""
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def crawl(client: httpx.Client, start: list[str], limit: int) -> list[Form]:
    """Visit up to `limit` same-site pages from `start`; the distinct forms found on them."""
    origin = urlsplit(str(client.base_url)).netloc
    queue, seen, forms = list(start), set(start), {}
    while queue and len(seen) <= limit:
        url = queue.pop(0)
        answer = client.get(url)
        assert answer.status_code < 500, f"GET {url} answered {answer.status_code}"
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        parser = _PageParser(str(answer.url))
        parser.feed(answer.text)
        for form in parser.forms:
            forms.setdefault(form.key, form)
        for link in parser.links:
            parts = urlsplit(link)
            path = parts.path
            if parts.netloc != origin or path.startswith(SKIPPED_PREFIXES):
                continue
            # One page per listing query is enough; ids differ, forms do not.
            target = path if not parts.query else f"{path}?{parts.query}"[:120]
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return list(forms.values())
