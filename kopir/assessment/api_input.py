"""Reading an API request's JSON body before anything else sees it.

Python's json module accepts what no database can store: a lone UTF-16 surrogate ("\\ud800",
which cannot be encoded as UTF-8) and the NUL character (which PostgreSQL refuses in text). Both
are refused here, where the body is parsed, with the path of the value that holds them, so that
neither reaches the idempotency fingerprint, a service or a database. A body declared as anything
but JSON is refused with 415, so that a client's wrong header is found at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

JSON_TYPES = ("application/json",)
# FHIR's own media type; plain JSON is allowed by the FHIR RESTful API as well.
FHIR_JSON_TYPES = ("application/fhir+json", "application/json")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class BodyProblem:
    path: Path  # keys and list indexes from the body's root; empty for the body as a whole
    reason: str


class BodyRefused(Exception):
    """The body cannot be read: `status` (400, 415 or 422) and what is wrong where."""

    def __init__(self, status: int, problems: list[BodyProblem]) -> None:
        self.status = status
        self.problems = problems
        super().__init__(f"{status}: {len(problems)} problem(s)")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("Remove the NUL character (\\u0000): text may not contain it.")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return _(
            "The text holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character: "
            "send the text in valid Unicode."
        )
    return None


def unreadable_text(value: Any, path: Path = ()) -> Iterator[BodyProblem]:
    """Every string, object key included, that holds a NUL or a lone surrogate."""
    if isinstance(value, str):
        reason = _text_problem(value)
        if reason:
            yield BodyProblem(path, reason)
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = _text_problem(key)
            if reason:
                # The key itself cannot be shown; its place in the body can.
                yield BodyProblem(path, reason)
                continue
            yield from unreadable_text(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unreadable_text(item, (*path, index))


def read_json(request: HttpRequest, content_types: Sequence[str]) -> Any:
    """The request's body as JSON, or BodyRefused saying why it cannot be taken."""
    if request.content_type not in content_types:
        raise BodyRefused(
            415,
            [
                BodyProblem(
                    (),
                    _("Send the body as JSON with the header Content-Type: %(types)s.")
                    % {"types": ", ".join(content_types)},
                )
            ],
        )
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BodyRefused(400, [BodyProblem((), _("The body is not JSON."))]) from None
    problems = list(unreadable_text(data))
    if problems:
        raise BodyRefused(422, problems)
    return data


class BodyParser(Parser):
    """ninja's parser for the JSON API. ninja wraps what it raises in HttpError(400); the API's
    HttpError handler (api_common.install) answers the BodyRefused it carries."""

    def parse_body(self, request: HttpRequest) -> Any:
        return read_json(request, JSON_TYPES)
