"""The half of a Kazakh/Russian text each reader is shown (`core/text.py::half_for_reader`)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kopir.core.text import half_for_reader


@pytest.mark.parametrize(
    ("kazakh", "russian", "reader", "shown"),
    [
        ("Жоспар", "План", "ru", "ru"),
        ("Жоспар", "План", "kk", "kk"),
        # Kazakh is the state language: an English reader is shown it.
        ("Жоспар", "План", "en", "kk"),
        # An empty half (or one of spaces) gives way to the other.
        ("Жоспар", "  ", "ru", "kk"),
        ("", "План", "kk", "ru"),
        (None, "План", "en", "ru"),
    ],
)
def test_each_reader_is_shown_their_half_or_the_other_when_theirs_is_empty(
    kazakh: str | None, russian: str, reader: str, shown: str
) -> None:
    assert half_for_reader(kazakh, russian, reader) == shown


def test_without_a_language_the_active_one_is_the_reader() -> None:
    with translation.override("ru"):
        assert half_for_reader("Жоспар", "План") == "ru"
    with translation.override("en"):
        assert half_for_reader("Жоспар", "План") == "kk"
