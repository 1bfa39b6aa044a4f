"""core.responses.form_page: the one way a form view saves through a service and answers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import RequestFactory

from kopir.core.errors import ConflictError
from kopir.core.forms import VersionForm
from kopir.core.responses import form_page


class NoteForm(VersionForm):
    note = forms.CharField()


def request(method: str, data: dict[str, Any] | None = None) -> HttpRequest:
    made = getattr(RequestFactory(), method)("/", data or {})
    made._messages = CookieStorage(made)
    return made


def answer(made: HttpRequest, save: Any, context: Any) -> Any:
    form = NoteForm(made.POST) if made.method == "POST" else NoteForm(initial={"version": 1})
    return form_page(
        made, form, "403.html", context, save=save, done="Saved.", success_url="/done/"
    )


def test_a_saved_post_is_told_and_redirected_without_reading_the_page() -> None:
    made = request("post", {"version": 1, "note": "x"})
    saved: list[str] = []

    def page_context() -> dict[str, Any]:
        raise AssertionError("the page was read although it is not shown")

    response = answer(made, lambda: saved.append("x"), page_context)
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert saved == ["x"]
    assert [str(m) for m in get_messages(made)] == ["Saved."]


def test_an_invalid_post_shows_the_form_and_saves_nothing() -> None:
    saved: list[str] = []
    response = answer(request("post", {"version": 1}), lambda: saved.append("x"), {})
    assert response.status_code == 200
    assert saved == []


def test_an_edit_conflict_answers_409_with_the_form() -> None:
    def refuse() -> None:
        raise ConflictError("Someone saved it first.")

    response = answer(request("post", {"version": 1, "note": "x"}), refuse, lambda: {})
    assert response.status_code == 409


def test_a_get_shows_the_page_and_saves_nothing() -> None:
    saved: list[str] = []
    response = answer(request("get"), lambda: saved.append("x"), {"extra": 1})
    assert response.status_code == 200
    assert saved == []


def test_an_update_that_wrote_nothing_is_told_as_unchanged() -> None:
    made = request("post", {"version": 4, "note": "x"})
    form = NoteForm(made.POST)
    response = form_page(
        made,
        form,
        "403.html",
        {},
        save=lambda: SimpleNamespace(version=4),
        done="Saved.",
        unchanged="Nothing was changed.",
        success_url="/done/",
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(made)] == ["Nothing was changed."]


def test_an_edit_form_shows_the_form_its_conflict_hook_gives_with_the_differences() -> None:
    made = request("post", {"version": 1, "note": "mine"})
    shown = NoteForm({"version": 2, "note": "mine"})

    def refuse() -> None:
        raise ConflictError("Someone saved it first.")

    response = form_page(
        made,
        NoteForm(made.POST),
        "403.html",
        {},
        save=refuse,
        done="Saved.",
        success_url="/done/",
        on_conflict=lambda error: (shown, [{"label": "Note", "value": "theirs"}]),
    )
    assert response.status_code == 409
    assert shown.conflict


@pytest.mark.parametrize(
    ("done", "told"),
    [(None, []), (lambda saved: f"Saved as {saved.pk}.", ["Saved as 7."])],
    ids=["without a message", "told with what it was given"],
)
def test_a_record_just_made_is_shown_at_its_own_address(done: Any, told: list[str]) -> None:
    made = request("post", {"version": 1, "note": "x"})
    response = form_page(
        made,
        NoteForm(made.POST),
        "403.html",
        {},
        save=lambda: SimpleNamespace(pk=7, version=1),
        done=done,
        success_url=lambda saved: f"/made/{saved.pk}/",
    )
    assert (response.status_code, response["Location"]) == (302, "/made/7/")
    assert [str(m) for m in get_messages(made)] == told
