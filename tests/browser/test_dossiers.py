"""A dossier in a real browser, in Kazakh: the demo's dossier reads as one timeline and passes axe;
the secretary follows an entry to its record and comes back by the "In dossier" link, finds a
letter and adds it, then takes it out after confirming — by keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.council.models import Dossier, Letter
from tests.browser.axe import axe_problems
from tests.browser.demo import DEMO_PASSWORD, Demo
from tests.browser.helpers import (
    LANGUAGES,
    current_path,
    follow_by_keyboard,
    path_for,
    sign_in,
    sign_in_by_keyboard,
)
from tests.browser.keyboard import choose, press, type_into

pytestmark = pytest.mark.browser

LANGUAGE = "kk"


def test_the_dossier_is_read_followed_both_ways_and_changed_by_keyboard_in_kazakh(
    page: Page, live_server: Any, demo: Demo
) -> None:
    dossier = Dossier.objects.select_related("council").get(council__slug="wko-social")
    kwargs = {"slug": dossier.council.slug, "pk": dossier.pk}
    detail = path_for("council:dossier_detail", LANGUAGE, kwargs)
    letter = Letter.objects.filter(council=dossier.council).order_by("pk").first()
    assert letter is not None
    sign_in_by_keyboard(page, live_server, "secretary", DEMO_PASSWORD)

    problems: list[str] = []
    page.goto(live_server.url + detail)
    expect(page.locator("h1")).to_have_text(f"Досье: {dossier.title}")
    petition = dossier.records.get(kind="petition").petition
    assert petition is not None
    timeline = page.locator("main ol.timeline")
    expect(timeline).to_contain_text(f"№ {petition.number} өтініш келіп түсті")
    assert page.locator("main ol.timeline > li").count() >= 3
    problems += axe_problems(page, "dossier [kk]")

    # An entry leads to its record, whose page leads back to the dossier.
    petition_link = f"main ol.timeline a[href$='/petitions/{petition.pk}/']"
    follow_by_keyboard(page, petition_link, max_presses=120)
    back = page.locator("main p.in-dossiers a")
    expect(back).to_have_text(dossier.title)
    problems += axe_problems(page, "petition with its dossier [kk]")
    follow_by_keyboard(page, "main p.in-dossiers a", max_presses=120)
    assert current_path(page) == detail

    # Find the letter and add it.
    press(page, "main a[href$='/add/']", max_presses=120)
    choose(page, "kind", "Хат")
    type_into(page, "q", letter.number)
    press(page, "main form[role='search'] button[type='submit']")
    problems += axe_problems(page, "dossier, records found [kk]")
    press(page, "main .found-records button[type='submit']")
    assert current_path(page) == detail
    expect(page.locator("main ol.timeline")).to_contain_text(letter.number)
    added = dossier.records.get(kind="letter")

    # Take it out: the confirmation page asks first.
    press(page, f"main a[href$='/records/{added.pk}/remove/']", max_presses=160)
    expect(page.locator("h1")).to_have_text("Жазбаны досьеден алып тастау")
    problems += axe_problems(page, "take a record out [kk]")
    press(page, "main form button[type='submit']")
    assert current_path(page) == detail
    assert not dossier.records.filter(kind="letter").exists()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dossier_pages_pass_axe_in_every_language(
    page: Page, live_server: Any, demo: Demo, language: str
) -> None:
    dossier = Dossier.objects.select_related("council").get(council__slug="wko-social")
    slug: dict[str, Any] = {"slug": dossier.council.slug}
    on_dossier = {**slug, "pk": dossier.pk}
    record = dossier.records.order_by("pk").first()
    assert record is not None
    pages: dict[str, dict[str, Any]] = {
        "council:dossier_list": slug,
        "council:dossier_create": slug,
        "council:dossier_detail": on_dossier,
        "council:dossier_edit": on_dossier,
        "council:dossier_add": on_dossier,
        "council:dossier_record_remove": {**on_dossier, "record_pk": record.pk},
    }
    sign_in(page, live_server, "secretary", DEMO_PASSWORD, language)
    problems: list[str] = []
    for name, kwargs in pages.items():
        response = page.goto(live_server.url + path_for(name, language, kwargs))
        assert response is not None
        assert response.status == 200, name
        problems += axe_problems(page, f"{name} [{language}]")
    # Found records are listed under their own heading, each with its button.
    page.goto(
        live_server.url + path_for("council:dossier_add", language, on_dossier) + "?kind=letter"
    )
    expect(page.locator("main .found-records button").first).to_be_visible()
    problems += axe_problems(page, f"dossier_add with letters [{language}]")
    assert not problems, "\n".join(problems)
