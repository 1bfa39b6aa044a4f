from __future__ import annotations

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class SampleForm(forms.Form):
    iin = forms.CharField(label="IIN", help_text="12 digits")
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=[("braille", "Braille")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def render(template: str, **context: object) -> str:
    return Template(template).render(Context(context))


def test_a_field_with_an_error_is_described_by_its_hint_and_error_and_marked_invalid():
    form = SampleForm(data={"iin": ""})
    assert not form.is_valid()
    html = render("{% field form.iin %}", form=form)
    assert 'for="id_iin"' in html
    assert 'aria-describedby="id_iin-hint id_iin-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_iin-error"' in html


def test_a_choice_group_is_a_fieldset_with_a_legend():
    html = render("{% field form.needs %}", form=SampleForm())
    assert "<fieldset" in html
    assert "<legend" in html
    assert "optional" in html


def test_the_error_summary_links_each_error_to_its_field():
    form = SampleForm(data={"iin": ""})
    form.is_valid()
    html = render("{% error_summary form %}", form=form)
    assert 'role="alert"' in html
    assert 'href="#id_iin"' in html


def test_the_error_summary_names_a_sentence_label_without_its_full_stop():
    class ConfirmForm(forms.Form):
        confirm = forms.BooleanField(label="I have checked the figures; save them.")

    form = ConfirmForm(data={})
    form.is_valid()
    html = render("{% error_summary form %}", form=form)
    assert "I have checked the figures; save them: " in html
    assert ".:" not in html


def test_the_error_summary_is_absent_on_an_unsubmitted_form():
    assert render("{% error_summary form %}", form=SampleForm()).strip() == ""


def test_column_heads_are_translated_and_escaped_header_cells():
    with translation.override("ru"):
        html = render('{% column_heads _("Status") label %}', label="<b>")
    assert html == '<th scope="col">Статус</th><th scope="col">&lt;b&gt;</th>'


def test_a_paged_table_shows_its_rows_or_its_empty_state():
    table = (
        '{% extends "core/partials/paged_table.html" %}'
        "{% block heads %}{% column_heads 'N' %}{% endblock %}"
        "{% block row %}<td>{{ item }}</td>{% endblock %}"
        "{% block empty %}nothing{% endblock %}"
    )
    request = RequestFactory().get("/")
    full = Template(table).render(
        RequestContext(request, {"page_obj": Paginator(["a", "b"], 1).page(1)})
    )
    assert "<tr><td>a</td></tr>" in full
    assert "b</td>" not in full
    assert 'rel="next"' in full
    empty = Template(table).render(RequestContext(request, {"page_obj": Paginator([], 1).page(1)}))
    assert empty.strip() == "nothing"


def test_every_page_has_a_skip_link_landmarks_and_the_language_of_the_page(client, settings):
    settings.KOPIR_REQUIRE_2FA = False
    client.force_login(UserFactory(roles=[Role.CLINICIAN]))
    html = client.get("/ru/").text
    assert '<html lang="ru">' in html
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html


def test_the_language_switch_keeps_the_reader_on_the_same_page(client, settings):
    settings.KOPIR_REQUIRE_2FA = False
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.get("/kk/audit/?username=x")
    links = {link["code"]: link["url"] for link in response.context["language_links"]}
    assert links == {
        "kk": "/kk/audit/?username=x",
        "ru": "/ru/audit/?username=x",
        "en": "/en/audit/?username=x",
    }


def test_the_language_switch_on_the_sign_in_page_carries_next_into_the_new_language(client):
    response = client.get("/kk/accounts/login/?next=/kk/audit/%3Fusername%3Dx")
    links = {link["code"]: link["url"] for link in response.context["language_links"]}
    assert links["ru"] == "/ru/accounts/login/?next=/ru/audit/%3Fusername%3Dx"
    assert links["kk"] == "/kk/accounts/login/?next=/kk/audit/%3Fusername%3Dx"
    # A next that is not a path on this site is left alone, not rewritten.
    foreign = client.get("/kk/accounts/login/?next=//evil.example/")
    links = {link["code"]: link["url"] for link in foreign.context["language_links"]}
    assert links["ru"] == "/ru/accounts/login/?next=//evil.example/"


def test_kazakh_is_the_default_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/kk/")


def test_pages_carry_strict_security_headers(client):
    response = client.get("/kk/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_navigation_offers_only_what_the_role_may_use(client, settings):
    settings.KOPIR_REQUIRE_2FA = False
    client.force_login(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    urls = [item["url"] for item in client.get("/en/").context["main_navigation"]]
    assert reverse("audit:search") not in urls
    assert reverse("people:search") not in urls

    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    urls = [item["url"] for item in client.get("/en/").context["main_navigation"]]
    assert reverse("audit:search") in urls
