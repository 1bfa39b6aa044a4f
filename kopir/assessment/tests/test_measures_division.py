"""Oversight measures from known data: time from first sending to decision in working days,
returns per referral, and the share returned incomplete per clinic."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from random import Random

import pytest
from django.utils import timezone

from kopir.assessment.models import Referral, ReferralStatus
from kopir.assessment.selectors.deadlines import WorkingDayIndex
from kopir.assessment.selectors.measures import (
    returned_share_by_clinic,
    returns_per_referral,
    time_to_decision,
)
from kopir.assessment.tests.factories import ReferralFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
ORAL = zoneinfo.ZoneInfo("Asia/Oral")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ORAL)


@pytest.fixture
def division():
    return OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)


@pytest.fixture
def clinics():
    return [
        OrganisationFactory.create(kind=OrganisationKind.MEDICAL, code=f"clinic-{n}") for n in "ab"
    ]


def referral(division, clinic, sent, decided=None, returns=0, status=ReferralStatus.SENT):
    return ReferralFactory.create(
        mse_division=division,
        medical_organisation=clinic,
        status=status,
        first_sent_at=at(sent),
        decided_at=at(decided, 16) if decided else None,
        returns_count=returns,
    )


def test_time_to_decision_is_the_median_and_mean_of_working_days(division, clinics):
    # Monday 7 → Friday 11 December 2026: 4 working days.
    referral(division, clinics[0], dt.date(2026, 12, 7), dt.date(2026, 12, 11))
    # Friday 11 → Thursday 17 December: Independence Day (16th) skipped → 3 working days.
    referral(division, clinics[0], dt.date(2026, 12, 11), dt.date(2026, 12, 17))
    # Monday 7 → Monday 21 December: 10 working days less the holiday → 9.
    referral(division, clinics[1], dt.date(2026, 12, 7), dt.date(2026, 12, 21))
    referral(division, clinics[1], dt.date(2026, 12, 7))  # not decided: not counted
    OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)

    stats = time_to_decision(division_id=division.pk)

    assert (stats.count, stats.median, stats.mean) == (3, 4, pytest.approx(16 / 3))
    assert time_to_decision(clinic_id=clinics[1].pk).median == 9


def _time_to_decision_row_by_row(division_id: int) -> tuple[int, float, float]:
    """The measure as it was computed before it was grouped in the database: every decided
    referral's local days, counted one by one (the reference the grouped one must equal)."""
    pairs = Referral.objects.filter(
        mse_division_id=division_id, first_sent_at__isnull=False, decided_at__isnull=False
    ).values_list("first_sent_at", "decided_at")
    dates = [(timezone.localdate(sent), timezone.localdate(decided)) for sent, decided in pairs]
    index = WorkingDayIndex(min(s for s, _ in dates), max(d for _, d in dates))
    durations = [index.between(sent, decided) for sent, decided in dates]
    return len(durations), statistics.median(durations), statistics.mean(durations)


@pytest.mark.parametrize("count", [41, 42])  # an odd and an even count: one middle, or two
def test_time_to_decision_grouped_in_the_database_equals_counting_each_referral(
    division, clinics, count
):
    # Sendings and decisions spread over three months around the New Year and March holidays,
    # at hours near local midnight too (00:30 in Oral is the day before in UTC), with the same
    # pair of days repeated, and a decision on the day of sending.
    random = Random(count)
    start = at(dt.date(2026, 12, 1), 0).replace(minute=30)
    for _n in range(count):
        sent = start + dt.timedelta(days=random.randrange(60), hours=random.choice([0, 9, 23]))
        decided = sent + dt.timedelta(
            days=random.choice([0, 3, 7, 7, 21, 30]), hours=random.choice([0, 1, 14])
        )
        ReferralFactory.create(
            mse_division=division,
            medical_organisation=clinics[0],
            status=ReferralStatus.DECIDED,
            first_sent_at=sent,
            decided_at=decided,
        )

    stats = time_to_decision(division_id=division.pk)

    assert (stats.count, stats.median, stats.mean) == _time_to_decision_row_by_row(division.pk)


def test_time_to_decision_of_nothing_is_no_number(division):
    stats = time_to_decision(division_id=division.pk)

    assert (stats.count, stats.median, stats.mean) == (0, None, None)


def test_returns_per_referral_counts_each_referral_once_by_its_returns(division, clinics):
    day = dt.date(2026, 11, 2)
    for returns in (0, 0, 1, 2, 3):
        referral(division, clinics[0], day, returns=returns)
    ReferralFactory.create(mse_division=division, returns_count=4)  # a draft: never sent

    stats = returns_per_referral(division_id=division.pk)

    assert (stats.referrals, stats.returns, stats.mean) == (5, 6, pytest.approx(1.2))
    assert stats.distribution == {0: 2, 1: 1, 2: 1, 3: 1}


def test_the_share_returned_incomplete_is_per_clinic_highest_first(division, clinics):
    day = dt.date(2026, 11, 2)
    for returns in (0, 1, 2, 0):  # clinic a: 2 of 4 returned at least once
        referral(division, clinics[0], day, returns=returns)
    for returns in (1, 1, 0):  # clinic b: 2 of 3
        referral(division, clinics[1], day, returns=returns)
    referral(division, clinics[1], dt.date(2026, 1, 5), returns=5)  # outside the period

    rows = returned_share_by_clinic(
        division_id=division.pk, sent_from=dt.date(2026, 11, 1), sent_to=dt.date(2026, 11, 30)
    )

    assert [(r.clinic_code, r.sent, r.returned) for r in rows] == [
        ("clinic-b", 3, 2),
        ("clinic-a", 4, 2),
    ]
    assert rows[0].share == pytest.approx(2 / 3)
    assert rows[1].share == pytest.approx(0.5)
