"""Plain rows appended without a model instance each (`core.bulk.append_rows`) end as
`bulk_create` would leave them, and `field_checks` passes exactly what `full_clean` passes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kopir.core.bulk import COPY_FROM, append_rows, field_checks
from kopir.exchange.models import OutboxEvent
from kopir.notices.models import Notice, NoticeChannel, NoticeStatus, RecipientKind

pytestmark = pytest.mark.django_db

COLUMNS = ("recipient_kind", "channel", "address", "language", "topic", "subject", "body")


def _notice(**values: Any) -> list[Any]:
    given = {
        "recipient_kind": RecipientKind.PERSON,
        "channel": NoticeChannel.EMAIL,
        "address": "someone@example.test",
        "language": "kk",
        "topic": "test.rows",
        "subject": "A subject",
        "body": "A text",
        **values,
    }
    return [given[column] for column in COLUMNS]


@pytest.mark.parametrize("count", [3, COPY_FROM + 5])
def test_appended_rows_take_their_defaults_and_come_back_with_their_ids_in_order(count: int):
    # Fewer rows than COPY_FROM go in by INSERT; more, on PostgreSQL, by one COPY.
    before = timezone.now()
    with transaction.atomic():
        ids = append_rows(Notice, COLUMNS, [_notice(subject=f"Subject {n}") for n in range(count)])

    stored = {notice.pk: notice for notice in Notice.objects.all()}
    assert ids == sorted(ids)
    assert [stored[pk].subject for pk in ids] == [f"Subject {n}" for n in range(count)]
    first = stored[ids[0]]
    # The model's defaults, as bulk_create gives them.
    assert (first.status, first.attempts, first.sensitive, first.last_error) == (
        NoticeStatus.QUEUED,
        0,
        False,
        "",
    )
    assert first.created_at >= before
    assert first.person_id is None


@pytest.mark.parametrize("count", [2, COPY_FROM + 1])
def test_a_callable_default_is_called_for_each_row_and_json_is_written_as_json(count: int):
    now = timezone.now()
    with transaction.atomic():
        ids = append_rows(
            OutboxEvent,
            ("kind", "subject", "payload", "occurred_at"),
            [("test.rows", f"s-{n}", {"n": n, "on": "2026-12-06"}, now) for n in range(count)],
        )

    assert len(set(ids)) == count
    assert all(isinstance(pk, uuid.UUID) for pk in ids)
    stored = {event.pk: event for event in OutboxEvent.objects.all()}
    assert [stored[pk].payload for pk in ids] == [
        {"n": n, "on": "2026-12-06"} for n in range(count)
    ]


def _full_clean_passes(values: list[Any]) -> bool:
    notice = Notice(**dict(zip(COLUMNS, values, strict=True)))
    try:
        notice.full_clean(
            exclude=["person", "organisation", "user", "concerns_organisation"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"address": ""},  # may be blank
        {"channel": ""},  # may be blank: a notice that reaches nobody
        {"topic": ""},  # may not
        {"subject": "x" * 255},
        {"subject": "x" * 256},  # too long
        {"channel": "pigeon"},  # not a choice
        {"recipient_kind": "nobody"},
        {"body": "a\x00b"},  # a NUL character
        {"language": None},
    ],
)
def test_the_field_checks_pass_exactly_what_full_clean_passes(values: dict[str, Any]):
    row = _notice(**values)

    assert field_checks(Notice, COLUMNS)(row) is _full_clean_passes(row)


def test_the_field_checks_leave_foreign_keys_to_the_database():
    check = field_checks(Notice, ("person_id", "topic"))

    assert check([123456789, "test.rows"])
    assert not check([None, ""])


def test_dates_are_written_as_given():
    day = dt.date(2026, 12, 6)
    with transaction.atomic():
        ids = append_rows(
            OutboxEvent,
            ("kind", "subject", "payload", "occurred_at"),
            [("test.rows", "s", {"day": day.isoformat()}, timezone.now())] * (COPY_FROM + 1),
        )
    assert OutboxEvent.objects.filter(pk__in=ids, payload__day="2026-12-06").count() == len(ids)
