"""The measure catalogue as versioned data: the seed, drafts copied from the active version,
exactly one active version, optimistic versions, suggestion rules and routing rules, and the
administrator's pages."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.audit.models import AuditEvent
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.core.tests.fixtures import signed_in
from kopir.core.tests.glossary import violations
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.rehabilitation.models import (
    CatalogueStatus,
    MeasureCatalogue,
    MeasureType,
    RoutingRule,
    SuggestionRule,
)
from kopir.rehabilitation.seed import DATA, translate_seeded_catalogue
from kopir.rehabilitation.services import catalogue as service
from kopir.rehabilitation.services.programme import CaseFacts, rule_applies, suggestions_for

pytestmark = pytest.mark.django_db


def seeded() -> MeasureCatalogue:
    active = service.active_catalogue()
    assert active is not None, "the migration seeds an active catalogue"
    return active


SEEDED = {
    "prosthetic-orthopaedic-aid",
    "hearing-aid",
    "screen-reader",
    "braille-display",
    "talking-watch",
    "talking-thermometer",
    "talking-tonometer",
    "white-cane",
    "wheelchair",
    "hygiene-products",
    "sanatorium-treatment",
    "individual-assistant",
    "sign-language-specialist",
    "special-social-services-home",
    "special-social-services-day",
    "special-social-services-residential",
    "social-taxi",
    "vocational-guidance",
    "vocational-training",
    "quota-job-placement",
    "special-educational-conditions",
    "medical-rehabilitation",
}


def test_the_seed_is_the_one_active_catalogue_with_every_measure():
    active = seeded()
    assert set(active.measure_types.values_list("code", flat=True)) == SEEDED
    assistant = active.measure_types.get(code="individual-assistant")
    assert assistant.unit == "hours_day"
    assert assistant.max_quantity == 8
    assert "163(2)" in assistant.legal_source
    sign = active.measure_types.get(code="sign-language-specialist")
    assert sign.default_quantity == 60
    assert sign.is_assumption
    for measure in active.measure_types.all():
        assert measure.name_kk
        assert measure.name_ru
        assert measure.name_en
        assert measure.deadline_working_days > 0


def test_a_draft_copies_the_active_catalogue_and_activating_it_retires_the_old(administrator):
    active = seeded()
    draft = service.catalogue_create_draft(
        actor=administrator, title="2027", legal_source="Social Code", based_on=active
    )
    assert draft.number == active.number + 1
    assert draft.measure_types.count() == active.measure_types.count()
    assert draft.suggestion_rules.count() == active.suggestion_rules.count()
    # The copied rules point at the draft's own measures, never at the active version's.
    assert not draft.suggestion_rules.exclude(measure_type__catalogue=draft).exists()
    wheelchair = draft.measure_types.get(code="wheelchair")
    data = service.MeasureTypeData(
        code="wheelchair",
        name_kk=wheelchair.name_kk,
        name_ru=wheelchair.name_ru,
        name_en=wheelchair.name_en,
        part=wheelchair.part,
        executor_kind=wheelchair.executor_kind,
        channel=wheelchair.channel,
        deadline_working_days=25,
        unit="items",
        default_quantity=Decimal(1),
        max_quantity=Decimal(2),
        replacement_months=36,
    )

    def save_the_wheelchair() -> None:
        service.measure_type_save(
            actor=administrator,
            catalogue=draft,
            expected_version=draft.version,
            data=data,
            measure_type=wheelchair,
        )

    save_the_wheelchair()
    # Another administrator's page, read before that change, is stale.
    with pytest.raises(ConflictError):
        service.catalogue_update(
            actor=administrator,
            catalogue=MeasureCatalogue.objects.get(pk=draft.pk),
            expected_version=1,
            title="x",
            legal_source="y",
        )
    with pytest.raises(DomainError):
        service.catalogue_retire(
            actor=administrator, catalogue=active, expected_version=active.version
        )
    service.catalogue_activate(actor=administrator, catalogue=draft, expected_version=draft.version)
    active.refresh_from_db()
    assert active.status == CatalogueStatus.RETIRED
    assert MeasureCatalogue.objects.filter(status=CatalogueStatus.ACTIVE).get() == draft
    assert active.measure_types.get(code="wheelchair").deadline_working_days == 30
    # An active version never changes: the same save is refused now.
    with pytest.raises(DomainError):
        save_the_wheelchair()
    assert AuditEvent.objects.filter(target_id=str(draft.pk), detail="activated").exists()


def test_measure_and_rule_input_is_checked_field_by_field(administrator, clinician):
    with pytest.raises(AccessDenied):
        service.catalogue_create_draft(actor=clinician, title="x", legal_source="y")
    draft = service.catalogue_create_draft(actor=administrator, title="x", legal_source="y")
    data = service.MeasureTypeData(
        code="talking-scale",
        name_kk="Сөйлейтін таразы",
        name_ru="Говорящие весы",
        name_en="Talking scales",
        part="social",
        executor_kind="employment_social",
        channel="portal",
        deadline_working_days=30,
        unit="none",
        default_quantity=Decimal(1),
        evidence_required=("date", "nonsense"),
    )
    with pytest.raises(ValidationError) as refused:
        service.measure_type_save(
            actor=administrator, catalogue=draft, expected_version=draft.version, data=data
        )
    assert set(refused.value.message_dict) == {"default_quantity", "evidence_required"}
    with pytest.raises(DomainError):
        service.catalogue_activate(
            actor=administrator, catalogue=draft, expected_version=draft.version
        )


def test_suggestion_rules_apply_every_condition_they_set(administrator):
    active = seeded()
    assistant = next(
        r for r in active.suggestion_rules.all() if r.measure_type.code == "individual-assistant"
    )
    adult_g1 = CaseFacts(codes=("G82.1",), limitations={"mobility": 3}, age=40, category="ADULT_G1")
    assert rule_applies(assistant, adult_g1)
    assert not rule_applies(assistant, CaseFacts(("G82.1",), {"mobility": 3}, 40, "ADULT_G2"))
    assert not rule_applies(assistant, CaseFacts(("G82.1",), {"mobility": 1}, 40, "ADULT_G1"))
    assert not rule_applies(assistant, CaseFacts(("G82.1",), {}, 40, "ADULT_G1"))
    deaf_child = CaseFacts(
        codes=("H90.3",),
        limitations={"communication": 2, "learning": 2},
        age=9,
        category="CHILD_7_18_G2",
    )
    codes = {s.measure_type.code for s in suggestions_for(deaf_child, active)}
    assert {"hearing-aid", "sign-language-specialist", "special-educational-conditions"} <= codes
    assert "quota-job-placement" not in codes  # a child
    hearing = next(
        s for s in suggestions_for(deaf_child, active) if s.measure_type.code == "hearing-aid"
    )
    assert hearing.quantity == 2  # the rule's quantity: both ears
    draft = service.catalogue_create_draft(
        actor=administrator, title="x", legal_source="y", based_on=active
    )
    with pytest.raises(ValidationError) as refused:
        service.suggestion_rule_save(
            actor=administrator,
            catalogue=draft,
            expected_version=draft.version,
            data=service.SuggestionRuleData(
                measure_type=draft.measure_types.get(code="wheelchair"),
                diagnoses="not a code",
                quantity=Decimal(5),
            ),
        )
    assert "diagnoses" in refused.value.message_dict


def test_routing_rules_need_an_organisation_of_their_kind(administrator, district):
    health = OrganisationFactory.create(kind=OrganisationKind.HEALTH_OFFICE)
    data = service.RoutingRuleData(
        executor_kind=OrganisationKind.CAREER_CENTRE, territory=district, organisation=health
    )
    with pytest.raises(ValidationError) as refused:
        service.routing_rule_save(actor=administrator, data=data)
    assert "organisation" in refused.value.message_dict
    centre = OrganisationFactory.create(kind=OrganisationKind.CAREER_CENTRE)
    job_placements_here = service.RoutingRuleData(
        executor_kind=OrganisationKind.CAREER_CENTRE,
        territory=district,
        organisation=centre,
        measure_code="quota-job-placement",
    )
    rule = service.routing_rule_save(actor=administrator, data=job_placements_here)
    assert rule.pk
    # The same rule again is refused: one rule per measure, kind and territory.
    with pytest.raises(ValidationError):
        service.routing_rule_save(actor=administrator, data=job_placements_here)


def test_the_administrators_pages(
    administrator, clinician, district, django_assert_max_num_queries
):
    client = signed_in(Client(), administrator)
    active = seeded()
    assert (
        signed_in(Client(), clinician).get(reverse("rehabilitation:catalogue_list")).status_code
        == 403
    )
    page = client.get(reverse("rehabilitation:catalogue_detail", kwargs={"pk": active.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Social rehabilitation" in text
    assert "Vocational rehabilitation" in text
    created = client.post(
        reverse("rehabilitation:catalogue_create"),
        {"based_on": active.pk, "title": "Next", "legal_source": "Social Code", "notes": ""},
    )
    assert created.status_code == 302
    draft = MeasureCatalogue.objects.get(status="draft")
    measure = draft.measure_types.get(code="wheelchair")
    edit = reverse("rehabilitation:measure_edit", kwargs={"pk": draft.pk, "measure_pk": measure.pk})
    form = client.get(edit)
    assert form.status_code == 200
    missing = client.post(edit, {"version": draft.version, "code": "wheelchair"})
    assert missing.status_code == 200
    assert "name_kk" in missing.context["form"].errors
    organisation = OrganisationFactory.create(kind=OrganisationKind.AKIMAT)
    routed = client.post(
        reverse("rehabilitation:routing_create"),
        {
            "executor_kind": "akimat",
            "measure_code": "",
            "territory": district.pk,
            "organisation": organisation.pk,
        },
    )
    assert routed.status_code == 302
    rule = RoutingRule.objects.get(organisation=organisation)
    delete = reverse("rehabilitation:routing_delete", kwargs={"pk": rule.pk})
    assert "Remove the rule" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    with django_assert_max_num_queries(12):
        client.get(reverse("rehabilitation:suggestion_list", kwargs={"pk": draft.pk}))


def test_the_measure_rule_and_routing_forms_open_their_lists_on_a_prompt(administrator):
    """A choice list opens on what to choose (or what an empty choice means), never on
    Django's "---------"."""
    draft = service.catalogue_create_draft(
        actor=administrator, based_on=seeded(), title="Next", legal_source="Social Code"
    )
    client = signed_in(Client(), administrator)
    with translation.override("kk"):
        pages = {
            "measure": reverse("rehabilitation:measure_create", kwargs={"pk": draft.pk}),
            "rule": reverse("rehabilitation:suggestion_create", kwargs={"pk": draft.pk}),
            "routing": reverse("rehabilitation:routing_create"),
        }
    prompts = {
        "measure": [
            "Бағдарлама бөлімін таңдаңыз",
            "Орындаушы ұйымның түрін таңдаңыз",
            "Ұсыну арнасын таңдаңыз",
        ],
        "rule": ["Іс-шараны таңдаңыз", "Шектеулерге қарамастан", "Кез келген дәреже"],
        "routing": ["Орындаушы ұйымның түрін таңдаңыз", "Аумақты таңдаңыз", "Ұйымды таңдаңыз"],
    }
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert "---------" not in page, name
        for prompt in prompts[name]:
            assert f'<option value="" selected>{prompt}</option>' in page, (name, prompt)


def test_the_english_texts_of_a_catalogue_version_say_they_are_english(administrator):
    """The unsuffixed title, legal basis and notes hold the English text (shown where a
    translation is missing): a Kazakh or Russian page must not ask for them as if they were
    the page's own language, and the new draft's form and the edit form name them alike."""
    draft = service.catalogue_create_draft(
        actor=administrator, title="Next", legal_source="Social Code"
    )
    client = signed_in(Client(), administrator)
    for language, title, legal_source in (
        ("kk", "Атауы ағылшын тілінде", "Құқықтық негізі ағылшын тілінде"),
        ("ru", "Название на английском языке", "Правовое основание на английском языке"),
    ):
        with translation.override(language):
            pages = [
                client.get(reverse("rehabilitation:catalogue_create")),
                client.get(reverse("rehabilitation:catalogue_edit", kwargs={"pk": draft.pk})),
            ]
            for page in pages:
                form = page.context["form"]
                assert str(form["title"].label) == title
                assert str(form["legal_source"].label) == legal_source
                assert str(form["title_kk"].label) == str(
                    pages[1].context["form"]["title_kk"].label
                )


def test_the_suggestion_rules_page_names_groups_not_codes(administrator):
    active = MeasureCatalogue.objects.get(status=CatalogueStatus.ACTIVE)
    rule = active.suggestion_rules.first()
    assert rule is not None
    rule.categories = ["ADULT_G1"]
    rule.save()
    page = signed_in(Client(), administrator).get(
        reverse("rehabilitation:suggestion_list", kwargs={"pk": active.pk})
    )
    assert "Group I<" in page.content.decode() or "Group I," in page.content.decode()
    assert "ADULT_G1" not in page.content.decode()


def test_the_seeded_catalogue_is_in_kazakh_and_russian_too(administrator):
    active = MeasureCatalogue.objects.get(status=CatalogueStatus.ACTIVE)
    for text in (active.title_kk, active.legal_source_kk, active.notes_kk):
        assert text
        assert not any("a" <= letter <= "z" for letter in text.lower())
    assert all(m.legal_source_kk and m.legal_source_ru for m in active.measure_types.all())
    assert all(r.reason_kk and r.reason_ru for r in active.suggestion_rules.all())
    client = signed_in(Client(), administrator)
    with translation.override("kk"):
        detail = client.get(reverse("rehabilitation:catalogue_detail", kwargs={"pk": active.pk}))
        rules = client.get(reverse("rehabilitation:suggestion_list", kwargs={"pk": active.pk}))
    for text in (active.title_kk, active.legal_source_kk):
        assert text in detail.content.decode()
    assert active.title not in detail.content.decode()
    assert active.legal_source not in detail.content.decode()
    rule = active.suggestion_rules.exclude(reason="").first()
    assert rule is not None
    assert rule.reason_kk in rules.content.decode()
    assert rule.reason not in rules.content.decode()


def test_the_migration_translates_a_seed_loaded_in_english():
    active = MeasureCatalogue.objects.get(status=CatalogueStatus.ACTIVE)
    MeasureCatalogue.objects.filter(pk=active.pk).update(title_kk="", notes_ru="")
    active.measure_types.update(legal_source_kk="", name_en="Medical rehabilitation")
    active.suggestion_rules.update(reason_ru="")
    translate_seeded_catalogue(MeasureCatalogue, MeasureType, SuggestionRule)
    active.refresh_from_db()
    assert active.title_kk
    assert active.notes_ru
    assert not active.measure_types.filter(legal_source_kk="").exclude(legal_source="").exists()
    medical = active.measure_types.get(code="medical-rehabilitation")
    assert medical.name_en == "Course of medical rehabilitation"
    assert not active.suggestion_rules.filter(reason_ru="").exclude(reason="").exists()


def test_the_seeded_catalogue_uses_the_glossarys_terms():
    active = MeasureCatalogue.objects.get(status=CatalogueStatus.ACTIVE)
    texts = [active.legal_source_kk, active.legal_source_ru, active.notes_kk, active.notes_ru]
    for measure in active.measure_types.all():
        texts += [measure.name_kk, measure.name_ru, measure.legal_source_kk]
        texts.append(measure.legal_source_ru)
    found = {text: problems for text in texts if (problems := violations(text))}
    assert not found, found
    assert not violations(DATA.read_text(encoding="utf-8"))


def test_the_migration_names_the_career_centre_as_the_glossary_does():
    migration = importlib.import_module(
        "kopir.rehabilitation.migrations.0009_career_centre_in_the_seeded_catalogue"
    )
    active = MeasureCatalogue.objects.get(status=CatalogueStatus.ACTIVE)
    career = active.measure_types.filter(legal_source_ru=migration.NEW)
    assert career.count() == 3
    codes = list(career.values_list("code", flat=True))
    active.measure_types.filter(code=codes[0]).update(legal_source_ru=migration.OLD)
    active.measure_types.filter(code=codes[1]).update(legal_source_ru="Своё основание")
    migration.rename(django_apps, None)
    stored = dict(
        active.measure_types.filter(code__in=codes).values_list("code", "legal_source_ru")
    )
    assert stored == {codes[0]: migration.NEW, codes[1]: "Своё основание", codes[2]: migration.NEW}


def _as_posted(form) -> dict:
    """What the browser sends back for a form shown unchanged."""
    return {
        field.html_name: field.value()
        for field in form
        if field.value() is not None and field.value() is not False
    }


def test_each_draft_page_saves_redirects_and_answers_a_stale_version_with_409(administrator):
    client = signed_in(Client(), administrator)
    created = client.post(
        reverse("rehabilitation:catalogue_create"),
        {"based_on": seeded().pk, "title": "Next", "legal_source": "Social Code", "notes": ""},
    )
    draft = MeasureCatalogue.objects.get(status="draft")
    detail = reverse("rehabilitation:catalogue_detail", kwargs={"pk": draft.pk})
    rules = reverse("rehabilitation:suggestion_list", kwargs={"pk": draft.pk})
    assert created["Location"] == detail

    def post(name: str, data: dict, status: int = 302, **kwargs: int):
        url = reverse(f"rehabilitation:{name}", kwargs={"pk": draft.pk, **kwargs})
        assert client.get(url).status_code == 200
        answer = client.post(url, data)
        assert answer.status_code == status, (name, answer.content.decode()[:2000])
        draft.refresh_from_db()
        return answer

    stale = {"version": 999}  # a version the draft never had: someone else saved since
    url = reverse("rehabilitation:catalogue_edit", kwargs={"pk": draft.pk})
    edit_data = _as_posted(client.get(url).context["form"])
    assert post("catalogue_edit", {**edit_data, **stale, "title": "Mine"}, 409)
    assert post("catalogue_edit", {**edit_data, "version": draft.version, "title": "Mine"})[
        "Location"
    ] == (detail)
    assert draft.title == "Mine"

    measure = draft.measure_types.get(code="wheelchair")
    url = reverse("rehabilitation:measure_edit", kwargs={"pk": draft.pk, "measure_pk": measure.pk})
    shown = _as_posted(client.get(url).context["form"])
    assert post("measure_edit", {**shown, **stale}, 409, measure_pk=measure.pk)
    done = post(
        "measure_edit",
        {**shown, "version": draft.version, "name_en": "Chair"},
        **{"measure_pk": measure.pk},
    )
    assert done["Location"] == detail
    assert draft.measure_types.get(code="wheelchair").name_en == "Chair"
    post("measure_create", {**shown, "version": draft.version, "code": "chair-2"})
    assert draft.measure_types.filter(code="chair-2").exists()
    added = draft.measure_types.get(code="chair-2")
    post("measure_delete", stale, 409, measure_pk=added.pk)
    post("measure_delete", {"version": draft.version}, measure_pk=added.pk)
    assert not draft.measure_types.filter(code="chair-2").exists()

    rule = draft.suggestion_rules.order_by("pk")[0]
    url = reverse("rehabilitation:suggestion_edit", kwargs={"pk": draft.pk, "rule_pk": rule.pk})
    shown = _as_posted(client.get(url).context["form"])
    post("suggestion_edit", {**shown, **stale}, 409, rule_pk=rule.pk)
    done = post(
        "suggestion_edit",
        {**shown, "version": draft.version, "reason": "Why"},
        **{"rule_pk": rule.pk},
    )
    assert done["Location"] == rules
    assert SuggestionRule.objects.get(pk=rule.pk).reason == "Why"
    count = draft.suggestion_rules.count()
    assert post("suggestion_create", {**shown, "version": draft.version})["Location"] == rules
    assert draft.suggestion_rules.count() == count + 1
    post("suggestion_delete", stale, 409, rule_pk=rule.pk)
    assert (
        post("suggestion_delete", {"version": draft.version}, rule_pk=rule.pk)["Location"] == rules
    )
    assert not SuggestionRule.objects.filter(pk=rule.pk).exists()

    post("catalogue_activate", stale, 409)
    assert post("catalogue_activate", {"version": draft.version})["Location"] == detail
    assert draft.status == CatalogueStatus.ACTIVE
    retired = post("catalogue_retire", {"version": draft.version}, 200)
    assert "The active catalogue is retired by activating" in retired.content.decode()
