"""Petitions: numbers, answer dates on working days, the public form, the agenda, the answer."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import DomainError
from kopir.core.models import NumberSequence
from kopir.council import models as m
from kopir.council.selectors.petitions import petitions_for_agenda
from kopir.council.services.meetings import meeting_mark_held
from kopir.council.services.petitions import (
    PetitionData,
    petition_answer,
    petition_answer_due,
    petition_publish,
    petition_put_on_agenda,
    petition_register,
    petition_sequence,
    petition_withhold,
)
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.factories import CouncilFactory, PetitionFactory

pytestmark = pytest.mark.django_db

PETITION: PetitionData = {
    "petitioner_kind": m.PetitionerKind.NGO,
    "petitioner_name": "Оспанов Бауыржан Серікұлы",
    "contact_email": "kos-wko@example.test",
    "subject": "Медициналық-әлеуметтік сараптама мәселелері",
    "text": "Көзі көрмейтін адамдар сырттай ресімдеу жүйесін пайдалана алмайды.",
}


def without_email(phone: str = "") -> PetitionData:
    data = PETITION.copy()
    data["contact_email"] = ""
    data["contact_phone"] = phone
    return data


PUBLIC_FORM = {**PETITION, "contact_phone": "", "petitioner_organisation_text": "ҚЗҚ БҚО филиалы"}


def test_numbers_run_per_council_and_year(council: m.Council, other_council: m.Council) -> None:
    first = petition_register(
        actor=None, council=council, received_on=dt.date(2026, 11, 2), **PETITION
    )
    second = petition_register(
        actor=None, council=council, received_on=dt.date(2026, 11, 3), **PETITION
    )
    elsewhere = petition_register(
        actor=None, council=other_council, received_on=dt.date(2026, 11, 3), **PETITION
    )
    next_year = petition_register(
        actor=None, council=council, received_on=dt.date(2027, 1, 5), **PETITION
    )

    assert first.number == "Ө-2026-0001"
    assert second.number == "Ө-2026-0002"
    assert elsewhere.number == "Ө-2026-0001"
    assert next_year.number == "Ө-2027-0001"


def test_a_party_council_answers_within_30_calendar_days_moved_past_a_holiday(
    council: m.Council,
) -> None:
    # 16 November + 30 days is 16 December, Independence Day: the answer is due the next working day.
    assert petition_answer_due(council=council, received_on=dt.date(2026, 11, 16)) == dt.date(
        2026, 12, 17
    )
    assert petition_answer_due(council=council, received_on=dt.date(2026, 11, 2)) == dt.date(
        2026, 12, 2
    )


def test_a_statutory_council_answers_within_10_working_days(
    council: m.Council, statutory_rules: m.RecommendationRuleSet
) -> None:
    council.recommendation_rule_set = statutory_rules
    council.legal_basis = m.LegalBasis.STATUTORY
    council.save()

    # From Friday 4 December: the 16th is a holiday, so the tenth working day is Monday 21 December.
    assert petition_answer_due(council=council, received_on=dt.date(2026, 12, 4)) == dt.date(
        2026, 12, 21
    )
    # Without a holiday in the way: two working weeks.
    assert petition_answer_due(council=council, received_on=dt.date(2026, 11, 6)) == dt.date(
        2026, 11, 20
    )


def test_registration_stores_the_due_date_and_audits_without_personal_data(
    council: m.Council, secretary: User
) -> None:
    petition = petition_register(
        actor=secretary, council=council, received_on=dt.date(2026, 11, 16), **PETITION
    )

    assert petition.answer_due_on == dt.date(2026, 12, 17)
    assert petition.registered_by == secretary
    event = AuditEvent.objects.get(target_type="council.petition", action=AuditAction.CREATE)
    assert "Оспанов" not in str(event.fields) + event.detail
    assert "kos-wko@example.test" not in str(event.fields) + event.detail


def test_an_answer_needs_an_email_or_a_phone(council: m.Council) -> None:
    with pytest.raises(ValidationError) as error:
        petition_register(actor=None, council=council, **without_email())
    assert set(error.value.message_dict) == {"contact_email", "contact_phone"}


def test_a_merged_council_takes_no_petitions(council: m.Council) -> None:
    council.is_active = False
    council.save()
    with pytest.raises(DomainError):
        petition_register(actor=None, council=council, **PETITION)


def test_a_petition_goes_on_the_agenda_is_considered_and_answered(
    council: m.Council,
    secretary: User,
    started_meeting: m.Meeting,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    petition = petition_register(actor=secretary, council=council, **PETITION)
    item = petition_put_on_agenda(actor=secretary, petition=petition, meeting=started_meeting)
    petition.refresh_from_db()
    assert (item.petition, item.title, petition.status) == (
        petition,
        PETITION["subject"],
        m.PetitionStatus.ON_AGENDA,
    )

    meeting_mark_held(actor=secretary, meeting=started_meeting)
    petition.refresh_from_db()
    assert petition.status == m.PetitionStatus.CONSIDERED

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = petition_answer(actor=secretary, petition=petition, answer="Ұсыныстар жіберілді.")
    assert outcome.notified_by_email
    assert outcome.petition.status == m.PetitionStatus.ANSWERED
    assert [message.to for message in mail.outbox] == [["kos-wko@example.test"]]
    assert "Ұсыныстар жіберілді." in mail.outbox[0].body
    with pytest.raises(DomainError):
        petition_answer(actor=secretary, petition=petition, answer="Тағы")


def test_a_petition_on_the_agenda_cannot_be_answered_before_it_is_considered(
    council: m.Council, secretary: User, meeting: m.Meeting
) -> None:
    petition = petition_register(actor=secretary, council=council, **PETITION)
    petition_put_on_agenda(actor=secretary, petition=petition, meeting=meeting)

    with pytest.raises(DomainError):
        petition_answer(actor=secretary, petition=petition, answer="Жауап")


def test_a_petitioner_without_email_is_told_by_phone(council: m.Council, secretary: User) -> None:
    petition = petition_register(
        actor=secretary,
        council=council,
        **without_email(phone="+7 701 000 00 00"),
    )
    outcome = petition_answer(actor=secretary, petition=petition, answer="Жауап")
    assert not outcome.notified_by_email


# --- The public form -----------------------------------------------------------------------------


def test_anyone_can_open_and_send_the_public_form(
    client: Client,
    council: m.Council,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse("council:petition_new", args=[council.slug])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, PUBLIC_FORM, follow=True)

    petition = m.Petition.objects.get()
    assert petition.submitted_online
    assert petition.registered_by is None
    assert petition.petitioner_organisation_text == "ҚЗҚ БҚО филиалы"
    assert petition.number in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "council:petition_submitted", args=[council.slug]
    )
    assert mail.outbox[0].to == ["kos-wko@example.test"]
    assert petition.number in mail.outbox[0].subject


def test_the_public_form_names_both_contact_fields_when_neither_is_given(
    client: Client, council: m.Council
) -> None:
    response = client.post(
        reverse("council:petition_new", args=[council.slug]), {**PUBLIC_FORM, "contact_email": ""}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"contact_email", "contact_phone"}
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert 'href="#id_contact_email"' in content
    assert 'href="#id_contact_phone"' in content
    assert not m.Petition.objects.exists()


def test_the_public_form_refuses_the_sixth_petition_in_an_hour(
    client: Client, council: m.Council
) -> None:
    url = reverse("council:petition_new", args=[council.slug])
    for _ in range(5):
        assert client.post(url, PUBLIC_FORM).status_code == 302

    response = client.post(url, PUBLIC_FORM)

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "<h1>" in response.content.decode()
    assert m.Petition.objects.count() == 5
    # Another connection is not affected.
    assert Client(REMOTE_ADDR="10.0.0.9").post(url, PUBLIC_FORM).status_code == 302


def test_behind_the_reverse_proxy_each_visitor_has_their_own_limit(
    council: m.Council, settings: Any
) -> None:
    settings.KOPIR_TRUSTED_PROXIES = 1
    url = reverse("council:petition_new", args=[council.slug])
    proxy = "10.0.0.1"  # every request reaches Kopir from the proxy
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    for _ in range(5):
        assert first.post(url, PUBLIC_FORM).status_code == 302
    assert first.post(url, PUBLIC_FORM).status_code == 429

    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert second.post(url, PUBLIC_FORM).status_code == 302
    # Writing another address on the left of the header does not escape the limit.
    spoofing = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert spoofing.post(url, PUBLIC_FORM).status_code == 429


def test_invalid_submissions_do_not_use_up_the_limit(client: Client, council: m.Council) -> None:
    url = reverse("council:petition_new", args=[council.slug])
    for _ in range(6):
        client.post(url, {**PUBLIC_FORM, "subject": ""})

    assert client.post(url, PUBLIC_FORM).status_code == 302


def test_the_confirmation_page_needs_a_petition_sent_from_this_browser(
    client: Client, council: m.Council
) -> None:
    response = client.get(reverse("council:petition_submitted", args=[council.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("council:petition_new", args=[council.slug])


def test_a_merged_or_unknown_council_has_no_petition_form(
    client: Client, council: m.Council
) -> None:
    retired = CouncilFactory.create(
        slug="retired-council",
        is_active=False,
        recommendation_rule_set=council.recommendation_rule_set,
    )
    assert client.get(reverse("council:petition_new", args=[retired.slug])).status_code == 404
    assert client.get(reverse("council:petition_new", args=["no-such-council"])).status_code == 404


# --- The secretary's register ---------------------------------------------------------------------


def test_the_secretary_registers_a_petition_received_on_paper(
    client: Client, council: m.Council, secretary: User
) -> None:
    response = signed_in(client, secretary).post(
        reverse("council:petition_create", args=[council.slug]),
        {**PUBLIC_FORM, "received_on": "2026-11-16"},
    )

    petition = m.Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "council:petition_detail", args=[council.slug, petition.pk]
    )
    assert (petition.received_on, petition.answer_due_on) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 12, 17),
    )
    assert not petition.submitted_online


def test_reading_a_petition_is_audited_and_contacts_are_for_the_secretary_only(
    client: Client, council: m.Council, secretary: User, member_user: User
) -> None:
    petition = PetitionFactory.create(
        council=council, contact_email="kos-wko@example.test", contact_phone="+77010000000"
    )
    url = reverse("council:petition_detail", args=[council.slug, petition.pk])

    as_secretary = signed_in(client, secretary).get(url).content.decode()
    as_member = signed_in(Client(), member_user).get(url).content.decode()

    assert "kos-wko@example.test" in as_secretary
    assert "+77010000000" in as_secretary
    assert "kos-wko@example.test" not in as_member
    assert "+77010000000" not in as_member
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, target_type="council.petition")
    assert sorted(views.values_list("actor_id", flat=True)) == sorted(
        [secretary.pk, member_user.pk]
    )


def test_the_list_filters_by_status_and_overdue(
    client: Client, council: m.Council, secretary: User
) -> None:
    overdue = PetitionFactory.create(
        council=council, number="Ө-2026-0001", answer_due_on=dt.date(2026, 1, 10)
    )
    answered = PetitionFactory.create(
        council=council,
        number="Ө-2026-0002",
        answer_due_on=dt.date(2026, 1, 10),
        status=m.PetitionStatus.ANSWERED,
    )
    future = PetitionFactory.create(
        council=council, number="Ө-2026-0003", answer_due_on=dt.date(2099, 1, 1)
    )
    url = reverse("council:petition_list", args=[council.slug])
    signed_in(client, secretary)

    def listed(**query: str) -> set[str]:
        return {
            petition.number for petition in client.get(url, query).context["page_obj"].object_list
        }

    assert listed() == {overdue.number, answered.number, future.number}
    assert listed(overdue="on") == {overdue.number}
    assert listed(status="answered") == {answered.number}


def test_the_secretary_puts_a_petition_on_an_agenda_from_its_page(
    client: Client, council: m.Council, secretary: User, meeting: m.Meeting
) -> None:
    petition = PetitionFactory.create(council=council)

    response = signed_in(client, secretary).post(
        reverse("council:petition_agenda", args=[council.slug, petition.pk]),
        {
            "meeting": meeting.pk,
            "rapporteur": "Оспанов Б.",
            "rapporteur_ru": "Оспанов Б. С.",
            "version": petition.version,
        },
    )

    assert response.status_code == 302
    item = meeting.agenda.get()
    assert (item.petition, item.rapporteur, item.rapporteur_ru) == (
        petition,
        "Оспанов Б.",
        "Оспанов Б. С.",
    )


def test_a_rapporteur_named_in_russian_only_is_refused_at_the_kazakh_half(
    client: Client, council: m.Council, secretary: User, meeting: m.Meeting
) -> None:
    petition = PetitionFactory.create(council=council)
    signed_in(client, secretary)
    page = client.get(reverse("council:petition_detail", args=[council.slug, petition.pk]))
    assert 'name="rapporteur_ru"' in page.content.decode()

    response = client.post(
        reverse("council:petition_agenda", args=[council.slug, petition.pk]),
        {"meeting": meeting.pk, "rapporteur_ru": "Оспанов Б. С.", "version": petition.version},
    )

    assert response.status_code == 400
    assert response.context["agenda_form"].errors["rapporteur"] == [
        "Қазақ тіліндегі мәтінді енгізіңіз."
    ]
    assert not meeting.agenda.exists()


def test_numbering_continues_from_the_registers_highest_number_after_the_upgrade(
    council: m.Council, other_council: m.Council
) -> None:
    # Registers filled before numbers came from core's sequences, seeded by the data migration.
    PetitionFactory.create(council=council, number="Ө-2026-0007")
    PetitionFactory.create(council=council, number="Ө-2026-0003")
    PetitionFactory.create(council=other_council, number="Ө-2026-0002")
    seed = importlib.import_module("kopir.council.migrations.0005_seed_number_sequences").seed
    seed(django_apps, None)

    ours = petition_register(
        actor=None, council=council, received_on=dt.date(2026, 12, 1), **PETITION
    )
    theirs = petition_register(
        actor=None, council=other_council, received_on=dt.date(2026, 12, 1), **PETITION
    )

    assert (ours.number, theirs.number) == ("Ө-2026-0008", "Ө-2026-0003")


# --- Nothing is public before the secretary has reviewed it ---------------------------------------

SENSITIVE: PetitionData = {
    **PETITION,
    "petitioner_kind": m.PetitionerKind.CITIZEN,
    "subject": "Иванов Иван, ЖСН 900101300123, диагноз F20",
    "text": "Менің ЖСН 900101300123, диагнозым F20.",
    "contact_language": "ru",
}


def _public_page(council: m.Council) -> str:
    return Client().get(reverse("council:public_council", args=[council.slug])).content.decode()


def _petition_url(petition: m.Petition, name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=[petition.council.slug, petition.pk])


def test_a_petition_from_the_public_form_is_not_public_until_the_secretary_publishes_it(
    client: Client,
    council: m.Council,
    secretary: User,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        petition = petition_register(
            actor=None,
            council=council,
            submitted_online=True,
            **SENSITIVE,
        )
    assert "900101300123" not in _public_page(council)
    assert petition.number not in _public_page(council)

    mail.outbox.clear()
    signed_in(client, secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _petition_url(petition, "council:petition_publication"),
            {
                "version": petition.version,
                "public_title": "Психикалық денсаулық қызметтерінің қолжетімділігі туралы",
                "public_summary": "Өтініш берушілер қабылдау кестесін кеңейтуді сұрайды.",
                "publish": "",
            },
        )

    assert response.status_code == 302
    page = _public_page(council)
    assert "Психикалық денсаулық қызметтерінің қолжетімділігі туралы" in page
    assert "Өтініш берушілер қабылдау кестесін кеңейтуді сұрайды." in page
    assert "900101300123" not in page
    assert "F20" not in page
    assert "Иванов" not in page
    # The petitioner hears of it through the outbox, in the language they wrote in.
    assert [message.to for message in mail.outbox] == [["kos-wko@example.test"]]
    assert "опубликовано" in mail.outbox[0].subject.casefold()
    assert "Психикалық денсаулық" in mail.outbox[0].body
    assert "900101300123" not in mail.outbox[0].body


def test_a_published_petition_can_be_taken_off_the_public_page(
    council: m.Council, secretary: User
) -> None:
    petition = PetitionFactory.create(council=council)
    petition_publish(actor=secretary, petition=petition, public_title="Пандус туралы")
    assert "Пандус туралы" in _public_page(council)

    petition_withhold(actor=secretary, petition=petition, expected_version=petition.version)

    assert "Пандус туралы" not in _public_page(council)


def test_publishing_needs_a_title_and_a_current_page(
    client: Client, council: m.Council, secretary: User
) -> None:
    petition = PetitionFactory.create(council=council)
    with pytest.raises(ValidationError):
        petition_publish(actor=secretary, petition=petition, public_title="  ")
    stale = petition.version
    petition_publish(actor=secretary, petition=petition, public_title="Бірінші атау")

    response = signed_in(client, secretary).post(
        _petition_url(petition, "council:petition_publication"),
        {"version": stale, "withhold": ""},
    )

    petition.refresh_from_db()
    assert response.status_code == 400
    assert petition.publication == m.PetitionPublication.PUBLISHED


def test_a_stale_page_neither_answers_nor_schedules_a_petition(
    client: Client, council: m.Council, secretary: User, meeting: m.Meeting
) -> None:
    petition = PetitionFactory.create(council=council)
    stale = petition.version
    petition_publish(actor=secretary, petition=petition, public_title="Атауы")  # version + 1
    signed_in(client, secretary)

    answered = client.post(
        _petition_url(petition, "council:petition_answer"),
        {"answer": "Жауап", "version": stale, "confirm": "on"},
    )
    scheduled = client.post(
        _petition_url(petition, "council:petition_agenda"),
        {"meeting": meeting.pk, "version": stale},
    )

    petition.refresh_from_db()
    assert (answered.status_code, scheduled.status_code) == (400, 400)
    assert petition.status == m.PetitionStatus.REGISTERED
    assert not meeting.agenda.exists()


def test_the_answer_goes_to_the_petitioner_only_once_the_secretary_ticks_the_box(
    client: Client, council: m.Council, secretary: User
) -> None:
    from kopir.notices.models import Notice

    petition = PetitionFactory.create(council=council)
    signed_in(client, secretary)
    address = _petition_url(petition, "council:petition_answer")
    page = client.get(_petition_url(petition, "council:petition_detail")).content.decode()
    assert 'name="confirm"' in page

    refused = client.post(address, {"answer": "Жауап", "version": petition.version})

    petition.refresh_from_db()
    assert refused.status_code == 400
    assert "Tick the box to confirm sending the answer." in refused.content.decode()
    assert petition.status != m.PetitionStatus.ANSWERED
    assert not Notice.objects.filter(topic="council.petition_answered").exists()

    sent = client.post(address, {"answer": "Жауап", "version": petition.version, "confirm": "on"})
    petition.refresh_from_db()
    assert (sent.status_code, petition.status) == (302, m.PetitionStatus.ANSWERED)


def test_the_agenda_lists_petitions_by_number_not_by_date_or_as_text(council: m.Council) -> None:
    """Ө-2026-0001, registered first but received last, came after 0004; and a number past 9999
    is wider, so as text "Ө-2026-10000" would come before "Ө-2026-9999"."""
    for received in (dt.date(2026, 11, 20), dt.date(2026, 11, 2)):
        petition_register(actor=None, council=council, received_on=received, **PETITION)
    NumberSequence.objects.filter(scope=petition_sequence(council), year=2026).update(
        last_issued=9998
    )
    for received in (dt.date(2026, 11, 3), dt.date(2026, 11, 1), dt.date(2025, 12, 30)):
        petition_register(actor=None, council=council, received_on=received, **PETITION)

    assert [petition.number for petition in petitions_for_agenda(council)] == [
        "Ө-2025-0001",
        "Ө-2026-0001",
        "Ө-2026-0002",
        "Ө-2026-9999",
        "Ө-2026-10000",
    ]
