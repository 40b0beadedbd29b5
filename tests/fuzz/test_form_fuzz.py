"""Every HTML form, as each role, with hostile values in each field: never a server error.

The crawler signs in as the role, follows its links and collects the distinct forms; then
each field of each form is sent, one at a time, with each value below while the others keep
their defaults (the CSRF token stays valid, so the value reaches the handler).
"""

from __future__ import annotations

import httpx
import pytest

from tests.fuzz.conftest import ROLES, FuzzTarget
from tests.fuzz.forms import Form, crawl

HOSTILE_VALUES = (
    "",
    "-1",
    "9223372036854775808",
    "1e309",
    "NaN",
    "Infinity",
    "12\x00",
    "x" * 5000,
    "<img src=x onerror=alert(1)>",
    "100%",
    "１２３",
    "\u202egnp.exe",
)
START_PAGES = [
    "/",
    "/search",
    "/stores",
    "/cart",
    "/orders",
    "/account",
    "/pos",
    "/supplier",
    "/operator",
]
NEVER_POSTED = ("/logout",)
CSRF_FIELD = "_csrf_token"


def _variants(form: Form) -> list[dict[str, str]]:
    return [
        {**form.fields, name: value}
        for name in form.fields
        if name != CSRF_FIELD
        for value in HOSTILE_VALUES
    ]


def _send(client: httpx.Client, form: Form, values: dict[str, str]) -> httpx.Response:
    if form.method == "get":
        return client.get(form.action, params=values)
    files = {name: ("", b"\x89PNG not really", "image/png") for name in form.files}
    if form.multipart or files:
        return client.post(form.action, data=values, files=files or {"_": ("", b"")})
    return client.post(form.action, data=values)


@pytest.mark.parametrize("role", ROLES)
def test_no_form_input_makes_the_server_fail(fuzz_target: FuzzTarget, role: str) -> None:
    headers = {"Origin": fuzz_target.url}
    if fuzz_target.cookies[role]:
        headers["Cookie"] = fuzz_target.cookies[role]
    failures = []
    with httpx.Client(base_url=fuzz_target.url, headers=headers, timeout=30) as client:
        forms = [
            f for f in crawl(client, START_PAGES, limit=120) if not f.action.endswith(NEVER_POSTED)
        ]
        assert forms, "the crawler found no form"
        for form in forms:
            for values in _variants(form):
                answer = _send(client, form, values)
                if answer.status_code >= 500:
                    changed = {k: v[:40] for k, v in values.items() if form.fields.get(k) != v}
                    failures.append(
                        f"{form.method.upper()} {form.action} {changed}: {answer.status_code}"
                    )
    assert failures == [], f"{role} on {fuzz_target.database}:\n" + "\n".join(failures[:30])
