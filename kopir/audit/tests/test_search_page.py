from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit import selectors
from kopir.audit.models import AuditAction, AuditEvent
from kopir.audit.selectors import AuditFilter, audit_event_search
from kopir.audit.services import audit_record
from kopir.core.tests.plans import index_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.KOPIR_REQUIRE_2FA = False


@pytest.fixture
def administrator():
    return UserFactory(username="admin", roles=[Role.ADMINISTRATOR])


def test_an_administrator_finds_records_by_username_and_action(client, administrator):
    clinician = UserFactory(username="clinician", roles=[Role.CLINICIAN])
    audit_record(actor=clinician, action=AuditAction.VIEW, target=clinician)
    audit_record(actor=clinician, action=AuditAction.UPDATE, target=clinician, fields=["email"])
    audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    client.force_login(administrator)

    response = client.get(reverse("audit:search"), {"username": "clinician", "action": "update"})

    assert response.status_code == 200
    events = list(response.context["page_obj"])
    assert [(e.actor_username, e.action) for e in events] == [("clinician", "update")]
    assert "email" in response.text


def test_a_reversed_date_range_is_refused_with_an_error_on_the_end_date(client, administrator):
    client.force_login(administrator)
    today = timezone.localdate()

    response = client.get(
        reverse("audit:search"),
        {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    assert list(response.context["page_obj"]) == []


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.COUNCIL_MEMBER, Role.MSE_SPECIALIST])
def test_staff_who_are_not_administrators_are_refused(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("audit:search")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("audit:search"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_page_costs_the_same_queries_for_few_and_many_records(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    for _ in range(3):
        audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("audit:search"))
    for _ in range(40):
        audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    with django_assert_max_num_queries(12) as many:
        client.get(reverse("audit:search"))
    assert len(many.captured_queries) == len(few.captured_queries)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextlib.contextmanager
def freeze_time(moment: dt.datetime) -> Iterator[None]:
    """Records written inside are stamped `moment` (the time field's default)."""
    field = AuditEvent._meta.get_field("at")
    # Django keeps the default's getter as a cached property of the field: override it there.
    before = field.__dict__.get("_get_default")
    field.__dict__["_get_default"] = lambda: moment
    try:
        yield
    finally:
        if before is None:
            del field.__dict__["_get_default"]
        else:
            field.__dict__["_get_default"] = before


def test_the_username_matches_in_any_case_and_the_dates_are_whole_local_days(client, administrator):
    clinician = UserFactory(username="Clinician", roles=[Role.CLINICIAN])
    day = dt.date(2026, 11, 20)
    with freeze_time(_at(day - dt.timedelta(days=1), 23, 59)):
        audit_record(actor=clinician, action=AuditAction.VIEW, target=clinician, detail="before")
    with freeze_time(_at(day, 0, 0)):
        audit_record(actor=clinician, action=AuditAction.VIEW, target=clinician, detail="first")
    with freeze_time(_at(day + dt.timedelta(days=1), 23, 59)):
        audit_record(actor=clinician, action=AuditAction.VIEW, target=clinician, detail="last")
    with freeze_time(_at(day + dt.timedelta(days=2), 0, 0)):
        audit_record(actor=clinician, action=AuditAction.VIEW, target=clinician, detail="after")
    audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    client.force_login(administrator)

    response = client.get(
        reverse("audit:search"),
        {
            "username": "  cLiNiCiAn ",
            "date_from": day.isoformat(),
            "date_to": (day + dt.timedelta(days=1)).isoformat(),
        },
    )

    assert [e.detail for e in response.context["page_obj"]] == ["last", "first"]


def test_a_search_counts_no_further_than_its_cap_and_says_there_are_more(
    client, administrator, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(5):
        audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    client.force_login(administrator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audit:search"), {"action": "view"})

    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (3, True)
    # The search's counts (the header's count of unread notifications is not the search's).
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and "notices_staffnotification" not in q["sql"]
    ]
    assert counts
    assert all("LIMIT 4" in sql for sql in counts), counts
    # The record types are the apps' models in words, not a DISTINCT over the log.
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    choices = dict(response.context["form"].fields["target_type"].choices)
    assert "people.person" in choices
    assert "accounts.user" in choices
    assert choices["people.person"] != "people.person"
    few = client.get(reverse("audit:search"), {"action": "update"}).context["page_obj"]
    assert (few.paginator.count, few.paginator.capped) == (0, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize(
    ("criteria", "index"),
    [
        (AuditFilter(username="Admin", date_from=dt.date(2026, 9, 1)), "audit_username_idx"),
        (AuditFilter(action="export"), "audit_action_idx"),
        (AuditFilter(target_type="people.person"), "audit_type_idx"),
        (AuditFilter(date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 12, 1)), "at_"),
    ],
    ids=["username and dates", "action", "record type", "dates"],
)
def test_each_filter_is_served_by_an_index(administrator, criteria, index) -> None:
    audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    plan = index_plan(audit_event_search(criteria)[:50])
    assert "Seq Scan on audit_auditevent" not in plan, plan
    # An incremental sort of the rows of one instant is fine; a sort of all matches is not.
    assert "Sort  (" not in plan.replace("Incremental Sort  (", ""), plan
    assert index in plan, plan


def test_record_types_are_named_in_words_in_the_filter_and_the_column(client, administrator):
    """The filter listed "Delivery days", "Mse quarter", "Working day number" in English (the
    oversight store's models had no translated names), and the column "accounts.user #18"."""
    from django.apps import apps
    from django.utils import translation

    audit_record(actor=administrator, action=AuditAction.VIEW, target=administrator)
    client.force_login(administrator)
    with translation.override("en"):
        page = client.get(reverse("audit:search"), {"username": "admin"}).text
    assert f'<span title="accounts.user">Account</span> #{administrator.pk}' in page
    assert f">accounts.user #{administrator.pk}" not in page
    for model in apps.get_app_config("oversight").get_models():
        # Django's default verbose name is the class name split: no model is left with it.
        assert "verbose_name" in model._meta.original_attrs, model.__name__
