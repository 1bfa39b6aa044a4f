"""Monitoring visits: participants from the composition in force, the accessibility checklist,
findings that become recommendations with one action, photos described for blind readers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import User
from kopir.core import sample_files
from kopir.core.errors import AccessDenied, DomainError
from kopir.council import models as m
from kopir.council.forms_followup_visits import (
    ChecklistItemForm,
    FindingForm,
    VisitDocumentForm,
    VisitForm,
)
from kopir.council.services import visits as services
from kopir.council.tests.factories import (
    CompositionFactory,
    MemberFactory,
    MonitoringVisitFactory,
    WorkPlanItemFactory,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import assert_council_record_pages, english_refusals
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PNG = sample_files.png()


@pytest.fixture
def education_office(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.EDUCATION_OFFICE, name_kk="Білім басқармасы"
    )


@pytest.fixture
def school(education_office: Organisation) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.SCHOOL,
        name_kk="Есту қабілеті бұзылған балаларға арналған мектеп",
        parent=education_office,
    )


def _new_visit(
    actor: User,
    council: m.Council,
    site: Organisation,
    *,
    visited_on: dt.date = dt.date(2026, 4, 1),
    purpose: str = "x",
    **given: Any,
) -> m.MonitoringVisit:
    """A visit recorded through the service; `given` holds what a test is about (the
    participants, the plan item)."""
    return services.visit_create(
        actor=actor, council=council, site=site, visited_on=visited_on, purpose=purpose, **given
    )


@pytest.fixture
def visit(
    council: m.Council, school: Organisation, secretary: User, member: User
) -> m.MonitoringVisit:
    return _new_visit(
        secretary,
        council,
        school,
        visited_on=dt.date(2026, 4, 10),
        purpose="Қолжетімділікті тексеру",
        participants=m.Member.objects.filter(account=member),
    )


def test_participants_must_sit_in_the_composition_in_force(
    council: m.Council, school: Organisation, secretary: User
) -> None:
    old = CompositionFactory.create(council=council, status=m.CompositionStatus.SUPERSEDED)
    former = MemberFactory.create(composition=old)
    with pytest.raises(DomainError):
        _new_visit(secretary, council, school, participants=[former])


def test_another_councils_plan_item_is_refused_at_its_field_on_create(
    council: m.Council, school: Organisation, secretary: User
) -> None:
    elsewhere = WorkPlanItemFactory.create()  # an item of another council's plan
    with pytest.raises(ValidationError) as refused:
        _new_visit(secretary, council, school, plan_item=elsewhere)
    assert list(refused.value.message_dict) == ["plan_item"]
    assert not m.MonitoringVisit.objects.exists()


def test_another_councils_plan_item_is_refused_at_its_field_on_update(
    visit: m.MonitoringVisit, secretary: User
) -> None:
    elsewhere = WorkPlanItemFactory.create()
    with pytest.raises(ValidationError) as refused:
        services.visit_update(
            actor=secretary,
            visit=visit,
            expected_version=visit.version,
            participants=visit.participants.all(),
            plan_item=elsewhere,
        )
    assert list(refused.value.message_dict) == ["plan_item"]
    visit.refresh_from_db()
    assert visit.plan_item is None


def test_only_the_secretary_records_a_visit(
    council: m.Council, school: Organisation, member: User
) -> None:
    with pytest.raises(AccessDenied):
        _new_visit(member, council, school)


def test_the_accessibility_checklist_is_inserted_once_in_the_secretarys_language(
    visit: m.MonitoringVisit, secretary: User
) -> None:
    assert services.visit_checklist_insert_template(actor=secretary, visit=visit, lang="kk") == 8
    assert services.visit_checklist_insert_template(actor=secretary, visit=visit, lang="ru") == 0
    questions = list(visit.checklist.values_list("question", flat=True))
    assert len(questions) == 8
    assert all(item.is_accessibility for item in visit.checklist.all())
    assert "Брайль қарпімен жазылған белгілер мен тақтайшалар" in questions
    assert set(visit.checklist.values_list("answer", flat=True)) == {m.ChecklistAnswer.NOT_CHECKED}


def test_checklist_answers_are_saved_with_notes(visit: m.MonitoringVisit, secretary: User) -> None:
    services.visit_checklist_insert_template(actor=secretary, visit=visit, lang="en")
    ramp = visit.checklist.get(question="Ramps and handrails meet the standard")
    changed = services.visit_checklist_save(
        actor=secretary,
        visit=visit,
        expected_version=visit.version,
        answers={ramp.pk: (m.ChecklistAnswer.NO, "Пандус жоқ")},
    )
    assert changed == 1
    ramp.refresh_from_db()
    assert (ramp.answer, ramp.note) == (m.ChecklistAnswer.NO, "Пандус жоқ")


def test_a_finding_becomes_a_draft_recommendation_to_the_sites_parent_body_with_one_action(
    visit: m.MonitoringVisit, secretary: User, education_office: Organisation
) -> None:
    finding = services.visit_finding_add(
        actor=secretary, visit=visit, text="Ымдау тілі маманы жоқ."
    )

    recommendation = services.visit_finding_recommend(actor=secretary, finding=finding)

    assert recommendation.visit == visit
    assert recommendation.finding == finding
    assert recommendation.addressee == education_office
    assert recommendation.text == "Ымдау тілі маманы жоқ."
    assert recommendation.send_due_on is not None  # counted from the visit, the end of control
    with pytest.raises(DomainError):
        services.visit_finding_recommend(actor=secretary, finding=finding)


def _add_photo(
    visit: m.MonitoringVisit, secretary: User, description: str, name: str, content: bytes
) -> m.VisitDocument:
    return services.visit_document_add(
        actor=secretary,
        visit=visit,
        title="Кіреберіс",
        description=description,
        upload=SimpleUploadedFile(name, content),
    )


def test_a_photo_needs_a_description_and_an_allowed_file(
    visit: m.MonitoringVisit, secretary: User
) -> None:
    with pytest.raises(DomainError):
        _add_photo(visit, secretary, " ", "entrance.png", PNG)
    with pytest.raises(ValidationError):
        _add_photo(visit, secretary, "Үш баспалдақ", "entrance.gif", b"GIF89a")
    document = _add_photo(
        visit, secretary, "Кіреберісте үш баспалдақ бар, пандус жоқ.", "entrance.png", PNG
    )
    assert len(document.sha256) == 64


# --- Pages ---------------------------------------------------------------------------------------


def _url(name: str, visit: m.MonitoringVisit, **kwargs: Any) -> str:
    return reverse(name, kwargs={"slug": visit.council.slug, "pk": visit.pk, **kwargs})


def test_who_may_open_the_visit_pages(
    visit: m.MonitoringVisit,
    secretary_client: Client,
    member_client: Client,
    outsider_client: Client,
) -> None:
    assert_council_record_pages(
        [
            reverse("council:visit_list", kwargs={"slug": visit.council.slug}),
            _url("council:visit_detail", visit),
        ],
        [
            _url("council:visit_edit", visit),
            _url("council:visit_checklist", visit),
            _url("council:visit_document_add", visit),
            reverse("council:visit_create", kwargs={"slug": visit.council.slug}),
        ],
        secretary_client=secretary_client,
        member_client=member_client,
        outsider_client=outsider_client,
    )
    assert member_client.post(_url("council:visit_checklist_template", visit)).status_code == 403


def test_the_secretary_runs_a_visit_through_the_pages(
    council: m.Council, school: Organisation, member: User, secretary_client: Client
) -> None:
    seat = m.Member.objects.get(account=member)
    created = secretary_client.post(
        reverse("council:visit_create", kwargs={"slug": council.slug}),
        {
            "site": school.pk,
            "visited_on": "2026-04-10",
            "purpose": "Мектепті тексеру",
            "participants": [seat.pk],
        },
    )
    visit = m.MonitoringVisit.objects.get()
    assert created.status_code == 302
    assert list(visit.participants.all()) == [seat]

    secretary_client.post(_url("council:visit_checklist_template", visit))
    items = list(visit.checklist.all())
    answers = {f"answer_{item.pk}": "yes" for item in items}
    answers.update({f"note_{item.pk}": "" for item in items})
    answers[f"answer_{items[0].pk}"] = "no"
    answers["version"] = str(m.MonitoringVisit.objects.get().version)
    assert secretary_client.post(_url("council:visit_checklist", visit), answers).status_code == 302

    secretary_client.post(
        _url("council:visit_finding_add", visit), {"text": "Кіреберісте пандус жоқ."}
    )
    finding = visit.finding_list.get()
    made = secretary_client.post(
        _url("council:visit_finding_recommend", visit, finding_pk=finding.pk)
    )
    assert made.status_code == 302
    assert m.Recommendation.objects.get().finding == finding

    uploaded = secretary_client.post(
        _url("council:visit_document_add", visit),
        {
            "title": "Кіреберіс",
            "description": "Кіреберісте үш баспалдақ бар.",
            "file": SimpleUploadedFile("entrance.png", PNG, content_type="image/png"),
        },
    )
    assert uploaded.status_code == 302
    page = secretary_client.get(_url("council:visit_detail", visit)).content.decode()
    assert 'alt="Кіреберісте үш баспалдақ бар."' in page
    document = visit.documents.get()
    photo = secretary_client.get(_url("council:visit_document", visit, document_pk=document.pk))
    assert photo["Content-Type"] == "image/png"


def test_the_visit_edit_page_saves_what_it_shows(
    visit: m.MonitoringVisit, member: User, secretary_client: Client
) -> None:
    url = _url("council:visit_edit", visit)
    shown = secretary_client.get(url).context["form"]
    # What the browser sends back: every field as the page filled it (an empty choice is left out).
    values = {name: shown[name].value() for name in shown.fields}
    sent = {name: value for name, value in values.items() if value is not None}

    response = secretary_client.post(url, {**sent, "purpose": "Пандустарды тексеру"})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.purpose == "Пандустарды тексеру"
    assert visit.visited_on == dt.date(2026, 4, 10)
    assert list(visit.participants.all()) == list(m.Member.objects.filter(account=member))


def test_a_stale_visit_edit_keeps_the_input_and_says_why(
    visit: m.MonitoringVisit, school: Organisation, secretary_client: Client
) -> None:
    stale = visit.version
    m.MonitoringVisit.objects.filter(pk=visit.pk).update(version=stale + 1)
    response = secretary_client.post(
        _url("council:visit_edit", visit),
        {
            "site": school.pk,
            "visited_on": "2026-04-11",
            "purpose": "Менің өзгерісім",
            "version": stale,
        },
    )
    assert response.status_code == 409
    assert "Менің өзгерісім" in response.content.decode()
    visit.refresh_from_db()
    assert visit.purpose == "Қолжетімділікті тексеру"


def test_the_visit_list_costs_the_same_queries_for_few_or_many(
    council: m.Council,
    school: Organisation,
    secretary_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    url = reverse("council:visit_list", kwargs={"slug": council.slug})
    MonitoringVisitFactory.create_batch(2, council=council, site=school)
    secretary_client.get(url)
    MonitoringVisitFactory.create_batch(30, council=council, site=school)
    with django_assert_max_num_queries(11):  # the header's unread notifications count included
        assert secretary_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "form", "field"),
    [
        ("council:visit_finding_add", "finding_form", "text"),
        ("council:visit_checklist_add", "item_form", "question"),
    ],
)
def test_an_empty_question_or_finding_shows_the_visit_again_and_adds_nothing(
    visit: m.MonitoringVisit, secretary_client: Client, name: str, form: str, field: str
) -> None:
    before = (visit.finding_list.count(), visit.checklist.count())

    response = secretary_client.post(_url(name, visit), {field: ""})

    assert response.status_code == 400
    assert response.context["visit"] == visit
    assert response.context[form].errors[field]
    assert (visit.finding_list.count(), visit.checklist.count()) == before


def test_the_visits_findings_are_headed_as_findings_not_data(
    visit: m.MonitoringVisit, secretary_client: Client
) -> None:
    from django.utils import translation

    for language, heading in (("kk", "Анықталған жайттар"), ("ru", "Замечания")):
        with translation.override(language):
            page = secretary_client.get(_url("council:visit_detail", visit)).content.decode()
            listing = secretary_client.get(
                reverse("council:visit_list", kwargs={"slug": visit.council.slug})
            ).content.decode()
        assert f'<h2 id="findings-title">{heading}</h2>' in page
        assert f'<th scope="col">{heading}</th>' in listing
        assert "Деректер" not in page + listing


def test_the_visit_form_names_plan_items_in_the_readers_language_and_sorts_sites_by_alphabet(
    council: m.Council,
) -> None:
    from django.utils import translation

    from kopir.council.forms_followup_visits import VisitForm
    from kopir.council.tests.factories import WorkPlanFactory, WorkPlanItemFactory

    topic = (
        "Теректі ауданында көшпелі отырыс: ауылдық жерлерде әлеуметтік қызметтердің "
        "қолжетімділігі мен сапасы"
    )
    plan = WorkPlanFactory.create(council=council, year=2026)
    item = WorkPlanItemFactory.create(plan=plan, quarter=2, topic=topic)
    Organisation.objects.update(is_active=False)
    for name in ("Қаратөбе мектебі", "Кітапхана", "Ақжайық емханасы", "Зеленов ауруханасы"):
        OrganisationFactory.create(name_kk=name, name_ru=name)

    with translation.override("kk"):
        form = VisitForm(council=council)
        label = dict(form.fields["plan_item"].choices)[item.pk]  # type: ignore[attr-defined]
        sites = [name for _, name in form.fields["site"].choices][1:]  # type: ignore[attr-defined]
    with translation.override("ru"):
        label_ru = dict(VisitForm(council=council).fields["plan_item"].choices)[item.pk]  # type: ignore[attr-defined]

    assert label.startswith("2026 ж., 2-тоқсан: Теректі ауданында")
    assert label_ru.startswith("2026, 2 квартал: Теректі ауданында")
    assert "Q2" not in label
    # Cut at a word, with an ellipsis: never a word broken off.
    assert label.endswith("…")
    assert label.removesuffix("…").split(": ", 1)[1] in topic
    assert topic.startswith(label.removesuffix("…").split(": ", 1)[1] + " ")
    assert sites == ["Ақжайық емханасы", "Зеленов ауруханасы", "Кітапхана", "Қаратөбе мектебі"]


def test_each_empty_required_field_of_a_visit_is_named_in_its_own_words(
    council: m.Council,
) -> None:
    """The visit's place, date and purpose, a checklist question, a finding and a document's
    parts each said only "This field is required."; the place's list began with "---------"."""
    visit = VisitForm({}, council=council)
    document = VisitDocumentForm({})
    errors, first_site = english_refusals(
        [
            (visit, "site"),
            (visit, "visited_on"),
            (visit, "purpose"),
            (ChecklistItemForm({}), "question"),
            (FindingForm({}), "text"),
            (document, "title"),
            (document, "description"),
            (document, "file"),
        ],
        visit["site"],
    )
    assert errors == [
        "Choose the place the council visited.",
        "Enter the date of the visit.",
        "Enter the purpose of the visit.",
        "Enter the question to check.",
        "Enter what the council found.",
        "Enter a title.",
        "Say what the photo or document shows.",
        "Choose a file.",
    ]
    assert first_site == "Choose an organisation"
