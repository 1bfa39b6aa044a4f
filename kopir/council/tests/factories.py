from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from kopir.council import models as m
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RecommendationRuleSet
        django_get_or_create = ("code",)

    code = "statutory-public-control"
    name_kk = "Қоғамдық бақылау туралы заң"
    name_ru = "Закон об общественном контроле"
    name_en = "Public control law"
    legal_source = "Law No. 30-VIII of 02.10.2023, Art. 13"
    send_within_working_days = 7
    answer_within_working_days = 10
    is_statutory = True


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Council

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PUBLIC_COUNCIL)
    slug = factory.Sequence(lambda n: f"council-{n}")
    legal_basis = m.LegalBasis.PARTY_COUNCIL
    territory = factory.SubFactory(TerritoryFactory)
    recommendation_rule_set = factory.SubFactory(RuleSetFactory)


class CompositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Composition

    council = factory.SubFactory(CouncilFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = m.CompositionStatus.APPROVED
    proposed_on = dt.date(2026, 1, 15)
    effective_from = dt.date(2026, 2, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Member

    composition = factory.SubFactory(CompositionFactory)
    full_name = factory.Sequence(lambda n: f"Мүше Сынақ {n}")
    position = m.MemberPosition.MEMBER
    term_start = dt.date(2026, 2, 1)
    order = factory.Sequence(lambda n: n)


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.WorkPlan

    council = factory.SubFactory(CouncilFactory)
    year = 2026
    title = "2026 жылғы жұмыс жоспары"


class WorkPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.WorkPlanItem

    plan = factory.SubFactory(WorkPlanFactory)
    quarter = 1
    topic = "Жеке оңалту бағдарламасының орындалуы"
    planned_form = m.PlannedForm.MEETING


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Meeting

    council = factory.SubFactory(CouncilFactory)
    number = factory.Sequence(lambda n: n + 1)
    format = m.MeetingFormat.REGULAR
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    place = "Орал қ., Достық даңғылы, 1"
    place_ru = "г. Уральск, проспект Достык, 1"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = "Сырттай МӘС жүйесінің мәселелері"
    title_ru = "Проблемы системы заочной МСЭ"


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Vote

    agenda_item = factory.SubFactory(AgendaItemFactory)
    question = "Ұсынымдарды бекіту"
    question_ru = "Утверждение рекомендаций"
    kind = m.VoteKind.ROLL_CALL


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Decision

    agenda_item = factory.SubFactory(AgendaItemFactory)
    text = "Ұсынымдар жергілікті атқарушы органдарға орындау үшін жіберілсін."
    text_ru = "Направить рекомендации местным исполнительным органам для исполнения."


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Petition

    council = factory.SubFactory(CouncilFactory)
    number = factory.Sequence(lambda n: f"P-{n:04d}")
    petitioner_kind = m.PetitionerKind.NGO
    petitioner_name = "Сынақ Өтініш Берушы"
    subject = "Медициналық-әлеуметтік сараптама мәселелері"
    text = "Көзі көрмейтін адамдарға қызмет көрсетудегі кедергілер."
    received_on = dt.date(2026, 11, 2)
    answer_due_on = dt.date(2026, 12, 2)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Recommendation

    council = factory.SubFactory(CouncilFactory)
    number = factory.Sequence(lambda n: f"R-{n:04d}")
    addressee = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    text = "Мүгедектігі бар адамдарды жұмысқа орналастыру квотасының орындалуын қамтамасыз ету."
    rule_set = factory.LazyAttribute(lambda r: r.council.recommendation_rule_set)


class MonitoringVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MonitoringVisit

    council = factory.SubFactory(CouncilFactory)
    site = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.SCHOOL)
    visited_on = dt.date(2026, 4, 10)
    purpose = "Мектептің қолжетімділігін тексеру"


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Letter

    council = factory.SubFactory(CouncilFactory)
    number = factory.Sequence(lambda n: f"L-{n:03d}")
    sent_on = dt.date(2026, 5, 20)
    addressee = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PARLIAMENT)
    subject = "Отбасы және неке туралы заңнамаға түзетулер"
