"""What the executing organisation's measure page tells: the escalation of an overdue measure,
the evidence of a delivery, and each event of its timeline by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.core import sample_files
from kopir.core.tests.fixtures import english_messages as english_messages
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Message
from kopir.rehabilitation.forms_agency import DeliverForm, RedirectForm, ScheduleForm
from kopir.rehabilitation.models import (
    Handoff,
    Measure,
    MeasureEvent,
    MeasureNote,
    MeasureStatus,
    QuantityUnit,
)
from kopir.rehabilitation.services.execution import (
    measure_accept,
    measure_deliver,
    measure_redirect,
)
from kopir.rehabilitation.tests.agency_fixtures import *  # noqa: F403
from kopir.rehabilitation.tests.agency_fixtures import escalated_measure, linked_measure
from kopir.rehabilitation.workflow import MEASURE_WORKFLOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]
S = MeasureStatus


def _page(client: Any, measure: Measure) -> str:
    response = client.get(reverse("rehabilitation:agency_measure", args=[measure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_escalated_measure_says_how_far_when_and_to_whom(
    agency: Organisation, officer: User
) -> None:
    Organisation.objects.filter(pk=agency.pk).update(contact_name="Сейтқали Ж.")
    escalated_at = timezone.now() - dt.timedelta(days=4)
    measure = escalated_measure(agency, 2, escalated_at=escalated_at)
    client = signed_in(Client(), officer)
    page = _page(client, measure)
    assert "Escalation" in page
    when = date_format(timezone.localdate(escalated_at), "SHORT_DATE_FORMAT")
    assert f"Level 2 of 3, on {when}, to the head of {agency.name}, Сейтқали Ж." in page
    # The work list marks it beside "Overdue".
    listed = client.get(reverse("rehabilitation:agency_work_list")).content.decode()
    assert "Escalated, level 2" in listed


def test_a_measure_escalated_to_its_officer_names_the_officer(
    agency: Organisation, officer: User
) -> None:
    measure = linked_measure(
        agency,
        status=S.ACCEPTED,
        officer=officer,
        due_on=timezone.localdate() - dt.timedelta(days=2),
        overdue=True,
        escalation_tier=1,
        escalated_at=timezone.now(),
    )
    page = _page(signed_in(Client(), officer), measure)
    name = officer.get_full_name() or officer.get_username()
    assert f"to the officer {name}" in page


def test_a_measure_not_escalated_says_nothing_of_it(measure: Measure, officer: User) -> None:
    page = _page(signed_in(Client(), officer), measure)
    assert "Escalation" not in page
    assert "Escalated" not in page


def test_a_delivery_shows_its_document_which_its_holder_downloads(
    agency: Organisation, officer: User, other_officer: User
) -> None:
    measure = linked_measure(agency, line__measure_type__evidence_required=["document", "date"])
    measure_accept(actor=officer, measure=measure, expected_version=measure.version)
    pdf = sample_files.pdf("Handover act")
    document = SimpleUploadedFile("act.pdf", pdf, content_type="application/pdf")
    measure_deliver(
        actor=officer,
        measure=measure,
        expected_version=measure.version,
        delivered_on=timezone.localdate(),
        document=document,
    )
    client = signed_in(Client(), officer)
    page = _page(client, measure)
    url = reverse("rehabilitation:agency_evidence", args=[measure.pk])
    assert "Supporting document" in page
    assert f'href="{url}"' in page
    assert "act" in page.split(f'href="{url}"')[1].split("</a>")[0]
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        action="view", target_id=str(measure.pk), detail="evidence document"
    ).exists()
    # Another organisation is told there is no such measure.
    assert signed_in(Client(), other_officer).get(url).status_code == 404


def test_a_measure_without_a_document_has_none_to_download(measure: Measure, officer: User) -> None:
    client = signed_in(Client(), officer)
    assert "Supporting document" not in _page(client, measure)
    url = reverse("rehabilitation:agency_evidence", args=[measure.pk])
    assert client.get(url).status_code == 404


NOT_OUR_AREA = "Бұл аудан біздің аумағымыз емес."


def _pass_on(agency: Organisation, measure: Measure, holder_officer: User) -> None:
    """The holder's officer passes `measure` to `agency`: not their area."""
    measure_redirect(
        actor=holder_officer,
        measure=measure,
        expected_version=measure.version,
        to_organisation=agency,
        reason=NOT_OUR_AREA,
    )


def test_the_timeline_names_each_event(
    agency: Organisation, other_agency: Organisation, officer: User, other_officer: User
) -> None:
    measure = linked_measure(other_agency, line__measure_type__evidence_required=["date"])
    _pass_on(agency, measure, other_officer)
    measure_accept(actor=officer, measure=measure, expected_version=measure.version)
    measure_deliver(
        actor=officer,
        measure=measure,
        expected_version=measure.version,
        delivered_on=timezone.localdate(),
    )
    # The person disputes the delivery on the status page: nobody signed in moves it.
    MEASURE_WORKFLOW.transition(
        record=measure,
        to=S.ACCEPTED,
        actor=None,
        expected_version=measure.version,
        note="Құрал берілген жоқ.",
    )
    page = _page(signed_in(Client(), officer), measure)
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert f"Redirected from {other_agency.name} to {agency.name}: {NOT_OUR_AREA}" in timeline
    assert f"Accepted by {agency.name}" in timeline
    assert f"Reported delivered by {agency.name}" in timeline
    assert "Disputed by the person: the measure is worked again: Құрал берілген жоқ." in timeline


def test_kopirs_own_note_reads_in_the_readers_language(measure: Measure, officer: User) -> None:
    MeasureEvent.objects.create(
        measure=measure,
        from_status="",
        to_status=S.ASSIGNED,
        organisation=measure.organisation,
        at=timezone.now(),
        note_code=MeasureNote.ROUTED,
    )
    client = signed_in(Client(), officer)
    assert "Routed by rule to the executing organisation." in _page(client, measure)
    with translation.override("ru"):
        url = reverse("rehabilitation:agency_measure", args=[measure.pk])
        russian = client.get(url).content.decode()
    assert "Ереже бойынша" not in russian
    with translation.override("ru"):
        assert str(MeasureNote.ROUTED.label) in russian


def _handed_to(agency: Organisation, measure: Measure, holder_officer: User) -> Message:
    """The holder's officer passes `measure` to `agency`: the message the handoff sent it."""
    holder = measure.organisation
    _pass_on(agency, measure, holder_officer)
    message = Handoff.objects.get(measure=measure, from_organisation=holder).message
    assert message is not None
    return message


def test_the_handoffs_message_links_its_measure_for_the_holder(
    agency: Organisation, other_agency: Organisation, officer: User, other_officer: User
) -> None:
    measure = linked_measure(other_agency)
    message = _handed_to(agency, measure, other_officer)
    url = reverse("exchange:message_detail", args=[message.pk])
    measure_url = reverse("rehabilitation:agency_measure", args=[measure.pk])
    page = signed_in(Client(), officer).get(url).content.decode()
    assert f'href="{measure_url}"' in page
    assert "The work itself is done on the record's own page" in page
    # The sender no longer holds the measure: its page is not theirs to open.
    sent = signed_in(Client(), other_officer).get(url).content.decode()
    assert measure_url not in sent


def test_the_messages_link_to_its_measure_reads_as_opening_the_measures_page(
    agency: Organisation, other_agency: Organisation, officer: User, other_officer: User
) -> None:
    """The link's text ends its label with "the page of"; "<label> ашу" read as opening a
    watch, not the measure's page."""
    measure = linked_measure(other_agency, line__measure_type__name_kk="Сөйлейтін сағат")
    message = _handed_to(agency, measure, other_officer)
    with translation.override("kk"):
        url = reverse("exchange:message_detail", args=[message.pk])
        page = signed_in(Client(), officer).get(url).content.decode()
    link = page.split('class="button button--secondary"')[1].split("</a>")[0]
    assert "Сөйлейтін сағат бетін ашу" in link


def test_the_schedule_form_names_the_planned_date(measure: Measure, officer: User) -> None:
    measure_accept(actor=officer, measure=measure, expected_version=measure.version)
    response = signed_in(Client(), officer).post(
        reverse("rehabilitation:agency_schedule", args=[measure.pk]),
        {"version": measure.version, "scheduled_on": "2020-01-01"},
    )
    page = response.content.decode()
    assert "Planned date of delivery" in page
    with translation.override("kk"):
        assert str(ScheduleForm.base_fields["scheduled_on"].label) != str(
            DeliverForm.base_fields["delivered_on"].label
        )


def test_the_unit_of_items_reads_as_pieces() -> None:
    with translation.override("kk"):
        assert str(QuantityUnit.ITEMS.label) == "дана"
    with translation.override("ru"):
        assert str(QuantityUnit.ITEMS.label) == "шт."


def test_the_quantity_reads_with_its_unit_as_words(agency: Organisation, officer: User) -> None:
    """ "8 trips a month" in the page's language, as the programme writes it; not the unit's
    name in brackets as a list of choices capitalises it ("8 (Айына сапар)")."""
    measure = linked_measure(
        agency,
        line__quantity=Decimal("8"),
        line__measure_type__unit=QuantityUnit.TRIPS_PER_MONTH,
    )
    as_needed = linked_measure(agency, line__quantity=None)
    client = signed_in(Client(), officer)
    for language, expected in (("kk", "айына 8 сапар"), ("ru", "8 поездок в месяц")):
        with translation.override(language):
            url = reverse("rehabilitation:agency_measure", args=[measure.pk])
            page = client.get(url).content.decode()
            needed = str(_("As needed"))
            other = reverse("rehabilitation:agency_measure", args=[as_needed.pk])
            other_page = client.get(other).content.decode()
        assert f"<dd>{expected}</dd>" in page
        assert f"<dd>{needed}</dd>" in other_page


def test_the_redirect_offers_only_executing_organisations_alphabetically(
    agency: Organisation, officer: User
) -> None:
    measure = linked_measure(agency)  # its catalogue names the agency's kind
    OrganisationFactory.create(kind=OrganisationKind.SCHOOL, name_kk="Мектеп № 5")
    OrganisationFactory.create(kind=OrganisationKind.NGO, name_kk="Қоғамдық бірлестік")
    OrganisationFactory.create(kind=OrganisationKind.MEDICAL, name_kk="Емхана № 3")
    later = OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, name_kk="Бөрлі аудандық бөлімі"
    )
    first = OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, name_kk="Әлеуметтік бағдарламалар бөлімі"
    )
    with translation.override("kk"):
        form = RedirectForm(own_organisation_id=agency.pk)
        field: Any = form.fields["to_organisation"]
        offered = [label for value, label in field.choices if value]
    assert offered == [first.name_kk, later.name_kk]
    assert measure.measure_type.executor_kind == OrganisationKind.EMPLOYMENT_SOCIAL


def test_a_handoffs_message_reads_its_subject_in_the_readers_language(
    agency: Organisation, other_agency: Organisation, officer: User, other_officer: User
) -> None:
    """The message was sent in the recipient's language of notices (Russian here); the pages
    read its subject from the measure in the reader's language."""
    Organisation.objects.filter(pk=agency.pk).update(notice_language="ru")
    agency.refresh_from_db()
    measure = linked_measure(
        other_agency,
        line__measure_type__name_kk="Ақ таяқ",
        line__measure_type__name_ru="Белая трость",
    )
    message = _handed_to(agency, measure, other_officer)
    assert message.subject.startswith("Белая трость")  # as sent
    client = signed_in(Client(), officer)
    with translation.override("kk"):
        detail = client.get(reverse("exchange:message_detail", args=[message.pk])).content.decode()
        listed = client.get(reverse("exchange:message_list")).content.decode()
    number = measure.programme.number
    assert f"<h1>Ақ таяқ — {number}</h1>" in detail
    assert f"Ақ таяқ — {number}" in listed
    assert "Белая трость" not in listed


def test_the_handoffs_table_names_who_passed_the_measure_and_who_got_it(
    agency: Organisation, other_agency: Organisation, officer: User, other_officer: User
) -> None:
    """The columns are the organisations a handoff runs between, not a period's bounds: in
    Kazakh and Russian "from"/"to" of a period read "since"/"until"."""
    measure = linked_measure(other_agency)
    _handed_to(agency, measure, other_officer)
    client = signed_in(Client(), officer)
    for language, sender, recipient, period_bounds in (
        ("kk", "Жіберуші", "Алушы", ("Бастап", "Дейін")),
        ("ru", "Отправитель", "Получатель", ("С", "По")),
    ):
        with translation.override(language):
            url = reverse("rehabilitation:agency_measure", args=[measure.pk])
            page = client.get(url).content.decode()
        heads = page.split('id="handoffs-title"')[1].split("</thead>")[0]
        assert f'<th scope="col">{sender}</th><th scope="col">{recipient}</th>' in heads
        for bound in period_bounds:
            assert f'<th scope="col">{bound}</th>' not in heads
