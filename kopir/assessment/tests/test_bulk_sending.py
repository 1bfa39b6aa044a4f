"""A bulk file's complete rows are sent together (`referral_send_many`, the transition engine's
`transition_many`), and each ends exactly as if `referral_send` had sent it on its own: its status and
version, its timeline, its audit records, the person's notice word for word, the clinic's
outbox event and the division's link to an in-person referral's person."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import BulkUpload, Referral, ReferralStatus
from kopir.assessment.services.bulk import bulk_upload_create, bulk_upload_process
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.tests.test_bulk_upload import csv_file, row
from kopir.audit.models import AuditChannel, AuditEvent
from kopir.audit.services import target_type_of
from kopir.directory.models import OrganisationKind
from kopir.exchange.models import Delivery, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory
from kopir.notices.models import Notice
from kopir.people.models import AccessibilityNeed, Person, PersonLink
from kopir.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules")]


def _persons(district: Any) -> list[Person]:
    """Persons reached every way a notice can reach them."""
    representative = PersonFactory.create(
        territory=district, email="mother@example.kz", preferred_language="ru"
    )
    return [
        PersonFactory.create(territory=district, email="a@example.kz", preferred_language="kk"),
        PersonFactory.create(territory=district, phone="+77010000001", preferred_language="ru"),
        PersonFactory.create(
            territory=district,
            email="b@example.kz",
            preferred_language="en",
            accessibility_needs=[AccessibilityNeed.EASY_READ],
        ),
        PersonFactory.create(
            territory=district,
            email="c@example.kz",
            preferred_language="kk",
            accessibility_needs=[AccessibilityNeed.BRAILLE],
        ),
        PersonFactory.create(territory=district, legal_representative=representative),
        PersonFactory.create(territory=district),  # no address: a notice kept as not delivered
    ]


def _rows(persons: list[Person]) -> list[dict[str, str]]:
    rows = []
    for index, person in enumerate(persons):
        for route in ("in_absentia", "in_person"):
            # G35 has no nosology rule: complete with the general rules' fields.
            rows.append(row(person, f"S-{index}-{route}", route=route, primary_code="G35"))
    return rows


def _sent_state(upload: BulkUpload) -> dict[str, Any]:
    """Per external id what the sending left, with the referral's number (drawn in another order
    in each run) written as <number>."""
    upload.refresh_from_db()
    uploader = upload.uploaded_by_id
    state = {}
    for referral in Referral.objects.filter(medical_organisation=upload.organisation):
        number = re.compile(re.escape(referral.number))

        def plain(text: str, number: re.Pattern[str] = number) -> str:
            return number.sub("<number>", text)

        notices = Notice.objects.filter(related_type="assessment.referral", related_id=referral.pk)
        outbox = OutboxEvent.objects.filter(subject=f"assessment.referral:{referral.number}")
        state[referral.external_id] = {
            "status": referral.status,
            "version": referral.version,
            "step": (referral.step_started_on, referral.step_due_on),
            "first_sent": referral.first_sent_at is not None,
            "events": [
                (source, target, actor == uploader, label, note, due)
                for source, target, actor, label, note, due in referral.events.order_by(
                    "id"
                ).values_list(
                    "from_status", "to_status", "actor_id", "actor_label", "note", "step_due_on"
                )
            ],
            "audit": _audit(referral, uploader),
            "notices": [
                (
                    notice.person_id,
                    notice.channel,
                    notice.address,
                    notice.language,
                    notice.format,
                    notice.status,
                    notice.topic,
                    plain(notice.subject),
                    plain(notice.body),
                    notice.concerns_organisation_id == upload.organisation_id,
                    _audit(notice, uploader),
                )
                for notice in notices.order_by("id")
            ],
            "outbox": [
                (
                    event.kind,
                    {
                        name: value
                        for name, value in event.payload.items()
                        if name not in ("number", "medical_organisation_code")
                    },
                    event.payload["number"] == referral.number,
                    Delivery.objects.filter(event=event).count(),
                )
                for event in outbox
            ],
            "division_link": PersonLink.objects.filter(
                person=referral.person, organisation=referral.mse_division
            ).exists(),
        }
    return state


def test_rows_sent_in_a_batch_end_as_each_sent_on_its_own(
    clinician, clinic, other_clinic, district
):
    # The two clinics differ only in what makes them two: the texts name them alike.
    for name in ("name_kk", "name_ru", "name_en", "short_name_kk", "short_name_ru"):
        setattr(other_clinic, name, getattr(clinic, name))
    other_clinic.save()
    other_clinician = UserFactory.create(organisation=other_clinic, roles=[Role.CLINICIAN])
    for organisation in (clinic, other_clinic):
        SubscriptionFactory.create(organisation=organisation, event_kinds=["referral.sent"])
    rows = _rows(_persons(district))

    # Each row received as a draft, then sent by referral_send as the clinic's page sends it.
    one_by_one = bulk_upload_create(actor=clinician, uploaded_file=csv_file(rows), send=False)
    bulk_upload_process(upload_id=one_by_one.pk, batched=False)
    # In the uploader's language, as the file is processed (the timeline names the clinic).
    with translation.override(clinician.preferred_language or None):
        for referral in Referral.objects.filter(medical_organisation=clinic).order_by("id"):
            referral_send(
                actor=clinician,
                referral=referral,
                expected_version=referral.version,
                channel=AuditChannel.WEB,
            )
    expected = _sent_state(one_by_one)
    # The first run linked the division to the in-person referrals' persons: the second must
    # make those links itself.
    PersonLink.objects.filter(organisation__kind=OrganisationKind.MSE_DIVISION).delete()
    batched = bulk_upload_create(actor=other_clinician, uploaded_file=csv_file(rows), send=True)
    bulk_upload_process(upload_id=batched.pk)
    got = _sent_state(batched)

    assert set(got) == set(expected)
    assert len(got) == 12
    for external_id, state in expected.items():
        for name, value in state.items():
            assert (external_id, name, got[external_id][name]) == (external_id, name, value)
    batched.refresh_from_db()
    assert (batched.rows_created, batched.rows_sent) == (12, 12)
    # Hand-counted: a draft→sent move each, one notice each (a person without an address too),
    # one event each to the subscribed clinic, and a link to the division for the six in person.
    sent = got["S-0-in_person"]
    assert sent["status"] == ReferralStatus.SENT
    assert sent["version"] == 2
    assert [event[:2] for event in sent["events"]] == [("", "draft"), ("draft", "sent")]
    assert [entry[0] for entry in sent["audit"]] == ["create", "update"]
    assert all(entry[1] for entry in sent["audit"])  # both the uploader's
    assert Notice.objects.filter(person__isnull=False).count() == 24
    # Each of the six persons has an in-person referral: the division reaches each of them.
    assert PersonLink.objects.filter(organisation__kind=OrganisationKind.MSE_DIVISION).count() == 6
    assert OutboxEvent.objects.filter(kind="referral.sent").count() == 24
    assert "<number>" in got["S-1-in_absentia"]["notices"][0][8]  # the SMS names the number


def _audit(target: Any, uploader: int) -> list[tuple[Any, ...]]:
    """The target's audit records, by whether the uploader made them rather than by id."""
    return sorted(
        (action, actor == uploader, channel, tuple(fields), detail)
        for action, actor, channel, fields, detail in AuditEvent.objects.filter(
            target_type=target_type_of(target), target_id=str(target.pk)
        ).values_list("action", "actor_id", "channel", "fields", "detail")
    )


def test_sending_a_batch_costs_the_same_statements_for_ten_rows_as_for_fifty(
    clinician, clinic, district
):
    def statements(count: int, prefix: str) -> int:
        rows = [
            row(
                PersonFactory.create(territory=district, email=f"{prefix}{i}@example.kz"),
                f"{prefix}-{i}",
                primary_code="G35",
            )
            for i in range(count)
        ]
        upload = bulk_upload_create(actor=clinician, uploaded_file=csv_file(rows), send=True)
        with CaptureQueriesContext(connection) as queries:
            bulk_upload_process(upload_id=upload.pk)
        upload.refresh_from_db()
        assert upload.rows_sent == count
        return len(queries)

    ten, fifty = statements(10, "T"), statements(50, "F")

    # The sending is a fixed number of statements a batch, whatever its rows (one more per
    # table where SQLite's parameter limit splits an INSERT).
    assert fifty <= ten + 8, (ten, fifty)
