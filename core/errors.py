"""Domain errors and their one mapping to HTTP: JSON for the API, a page for browsers.

Domain packages raise subclasses of `DomainError` (in their own `errors.py`) with an English
message template and its parameters; the message is translated to the visitor's language
only here, at the edge, so domain code stays free of request state.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import quote

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core.i18n import gettext


class DomainError(Exception):
    """A rule of the domain refused the request; carries a stable code and the facts."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "invalid"

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params
        #: Extra JSON fields for API clients (e.g. which lines are out of stock).
        self.extra: dict[str, Any] = {}
        #: Extra response headers (e.g. `Retry-After` on a 429).
        self.headers: dict[str, str] = {}

    def localized(self) -> str:
        """The message in the current request's language."""
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text


class InvalidInput(DomainError):
    """The request is malformed or breaks a rule about its own content."""

    status_code = 400
    code = "invalid"


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to this person)."""

    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The person is logged in but may not do this."""

    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, wrong state, out of stock)."""

    status_code = 409
    code = "conflict"


class TooManyAttempts(DomainError):
    """Too many failed attempts; try again later."""

    status_code = 429
    code = "too_many_attempts"


def wants_json(request: Request[Any, Any, Any]) -> bool:
    """Whether the client expects JSON (API paths, or an explicit Accept header)."""
    if request.url.path.startswith(("/api/", "/healthz", "/schema")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`", re.IGNORECASE)
_AT_PATH = re.compile(r"\s*-\s*at `\$\.?([^`]*)`")
#: msgspec names the pattern of a text type; people need to know what it forbids.
_REGEX = re.compile(r"`str` matching regex '.*'", re.DOTALL)
#: msgspec's "Expected `int`, got `str`" is developer talk; people read what to type instead.
_EXPECTED = re.compile(r"^Expected `(\w+)`(?: \| `null`)?, got `\w+`$")
_EXPECTED_KINDS = {
    "int": "a whole number is expected",
    "float": "a number is expected",
    "bool": "yes or no is expected",
    "str": "text is expected",
    "array": "a list is expected",
    "object": "a group of fields is expected",
}


def validation_message(exc: ValidationException) -> str:
    """Turn Litestar's validation extras into one sentence naming the fields."""
    parts: list[str] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        if missing := _MISSING_FIELD.search(message):
            parts.append(gettext("{field} is required").format(field=missing.group(1)))
            continue
        # msgspec names the body field as `$.field`; query and path parameters by key.
        at = _AT_PATH.search(message)
        field = at.group(1) if at else item.get("key")
        problem = _AT_PATH.sub("", message).strip() or message
        problem = _REGEX.sub("text without control or text-direction characters", problem)
        if (expected := _EXPECTED.match(problem)) and expected.group(1) in _EXPECTED_KINDS:
            problem = gettext(_EXPECTED_KINDS[expected.group(1)])
        if field:
            parts.append(
                gettext("{field} is not valid: {problem}").format(field=field, problem=problem)
            )
        elif message:
            parts.append(message)
    return "; ".join(parts) or gettext("The request body is not valid JSON of the expected form")


def _error_page(
    request: Request[Any, Any, Any], status_code: int, detail: str
) -> Template | Response[Any]:
    return Template(
        template_name="server/error.html",
        context={"status_code": status_code, "detail": detail},
        status_code=status_code,
        media_type=MediaType.HTML,
    )


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """Map a domain error to `{status_code, detail, code, ...}` or an error page."""
    detail = exc.localized()
    if wants_json(request):
        body = {"status_code": exc.status_code, "detail": detail, "code": exc.code, **exc.extra}
        return Response(
            body, status_code=exc.status_code, media_type=MediaType.JSON, headers=exc.headers
        )
    page = _error_page(request, exc.status_code, detail)
    page.headers.update(exc.headers)
    return page


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Litestar's own errors (401, 403, 404, 405, validation) in our JSON form or as a page."""
    if isinstance(exc, ValidationException):
        detail = validation_message(exc)
    else:
        detail = gettext(exc.detail) if exc.detail else gettext("Something went wrong")
    if exc.status_code == 401 and not wants_json(request):
        # A browser is sent to the login form and brought back afterwards.
        return Redirect(f"/login?next={quote(request.url.path)}")
    if wants_json(request):
        body: dict[str, Any] = {"status_code": exc.status_code, "detail": detail}
        if isinstance(exc, ValidationException) and exc.extra:
            body["extra"] = exc.extra
        return Response(
            body, status_code=exc.status_code, media_type=MediaType.JSON, headers=exc.headers
        )
    return _error_page(request, exc.status_code, detail)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An unexpected failure: log it, answer 500 without leaking internals."""
    request.logger.exception("Unhandled error on %s %s", request.method, request.url.path)
    detail = gettext("Something went wrong on our side; please try again")
    if wants_json(request):
        return Response(
            {"status_code": 500, "detail": detail},
            status_code=HTTP_500_INTERNAL_SERVER_ERROR,
            media_type=MediaType.JSON,
        )
    return _error_page(request, 500, detail)


def too_deep_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """A body nested too deeply to decode (msgspec stops at its depth limit): 400, not 500."""
    return http_error_handler(
        request, HTTPException(status_code=400, detail="The request body is nested too deeply")
    )


def out_of_range_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A value the database cannot hold (a number beyond its column, NUL in text).

    The bounded input types refuse these with the field named; this is the safety net for
    what they cannot know, such as an id above the 32-bit primary keys: 400, not 500.
    """
    request.logger.warning("Out-of-range input on %s %s: %s", request.method, request.url.path, exc)
    return http_error_handler(
        request,
        HTTPException(status_code=400, detail="A number or text in the request is out of range"),
    )


def undecodable_text_handler(
    request: Request[Any, Any, Any], exc: UnicodeDecodeError
) -> Response[Any]:
    """A form part that is not UTF-8 text.

    Typically a file sent without a filename, which the multipart parser reads as text.
    """
    return http_error_handler(
        request,
        HTTPException(
            status_code=400,
            detail="A form field is not valid text; send files with a filename",
        ),
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    UnicodeDecodeError: undecodable_text_handler,
    RecursionError: too_deep_handler,
    OverflowError: out_of_range_handler,
    asyncpg.exceptions.DataError: out_of_range_handler,
    asyncpg.exceptions._base.DataError: out_of_range_handler,
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
}
