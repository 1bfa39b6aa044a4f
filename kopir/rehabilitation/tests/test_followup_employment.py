"""Employment: the quota rule per size band (docs/domain/rehabilitation.md §5), the register's
edits, and a placement's validation and its count against the employer's quota."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kopir.accounts.tests.factories import UserFactory
from kopir.core.errors import ConflictError
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory, next_bin
from kopir.rehabilitation.models import EmployerQuota, Placement, QuotaBand, QuotaRounding
from kopir.rehabilitation.services.employment import (
    employer_quota_create,
    employer_quota_update,
    placement_record,
    quota_for,
    unfilled_quotas,
)
from kopir.rehabilitation.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("headcount", "excluded", "percent", "jobs"),
    [
        (49, 0, "0", 0),  # below 50 employees: no quota
        (50, 0, "2.00", 1),  # 2 % of 50
        (99, 0, "2.00", 1),  # 1.98 jobs: rounded down
        (100, 0, "2.00", 2),
        (101, 0, "3.00", 3),  # 3.03
        (250, 0, "3.00", 7),  # 7.5: down, not up
        (251, 0, "4.00", 10),  # 10.04
        (1000, 200, "4.00", 32),  # heavy and harmful jobs are not counted
        (120, 120, "3.00", 0),
    ],
)
def test_the_quota_follows_the_band_of_the_whole_headcount(headcount, excluded, percent, jobs):
    assert quota_for(headcount=headcount, excluded_jobs=excluded) == (Decimal(percent), jobs)


def test_the_rounding_and_the_percent_are_data():
    QuotaBand.objects.filter(min_headcount=101).update(rounding=QuotaRounding.HALF_UP)
    assert quota_for(headcount=250, excluded_jobs=0) == (Decimal("3.00"), 8)
    # An akimat's own percent within the band's range.
    assert quota_for(headcount=250, excluded_jobs=0, percent=Decimal("4")) == (Decimal("4"), 10)


@pytest.fixture
def district():
    region = TerritoryFactory.create(kato="270000000", level=TerritoryLevel.REGION)
    return TerritoryFactory.create(kato="273600000", level=TerritoryLevel.DISTRICT, parent=region)


@pytest.fixture
def career_centre(district):
    return OrganisationFactory.create(kind=OrganisationKind.CAREER_CENTRE, territory=district)


def quota_data(district, **changes):
    data = {
        "employer_bin": next_bin(),
        "employer_name": "«Орал Сервис» ЖШС",
        "territory": district,
        "year": 2026,
        "headcount": 260,
        "excluded_jobs": 10,
        "quota_percent": None,
        "filled": 2,
        "vacancies_reported": 3,
    }
    return {**data, **changes}


def test_the_register_computes_the_quota_and_refuses_a_stale_edit(district, career_centre):
    officer = UserFactory.create(organisation=career_centre)
    row = employer_quota_create(actor=officer, kept_by=career_centre, **quota_data(district))
    assert (row.quota_percent, row.quota_jobs, row.unfilled) == (Decimal("4.00"), 10, 8)

    updated = employer_quota_update(
        actor=officer,
        quota=row,
        expected_version=1,
        **quota_data(district, headcount=120, employer_bin=row.employer_bin),
    )
    assert (updated.quota_percent, updated.quota_jobs, updated.version) == (Decimal("3.00"), 3, 2)
    with pytest.raises(ConflictError):
        employer_quota_update(actor=officer, quota=row, expected_version=1, **quota_data(district))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employer_bin": "123456789012"}, "employer_bin"),  # wrong check digit
        ({"excluded_jobs": 300}, "excluded_jobs"),
        ({"quota_percent": Decimal("7")}, "quota_percent"),
    ],
)
def test_the_register_names_the_wrong_field(district, career_centre, changes, field):
    with pytest.raises(ValidationError) as refused:
        employer_quota_create(actor=None, kept_by=career_centre, **quota_data(district, **changes))
    assert field in refused.value.message_dict
    assert not EmployerQuota.objects.exists()


@pytest.fixture
def job_measure(district, career_centre):
    village = TerritoryFactory.create(
        kato="273630100", level=TerritoryLevel.SETTLEMENT, parent=district
    )
    measure = MeasureFactory.create(
        organisation=career_centre,
        territory=village,
        assigned_at=timezone.now() - dt.timedelta(days=10),
        measure_type__code="job-placement",
        measure_type__executor_kind=OrganisationKind.CAREER_CENTRE,
    )
    # An approved version never changes through save(); the fixture sets its term in place.
    version = measure.line.programme_version
    version.valid_until = timezone.localdate() + dt.timedelta(days=300)
    type(version).objects.filter(pk=version.pk).update(valid_until=version.valid_until)
    return measure


def place(measure, **changes):
    data = {
        "employer_bin": next_bin(),
        "employer_name": "«Орал Сервис» ЖШС",
        "position": "Оператор",
        "start_date": timezone.localdate(),
        "on_quota_job": False,
    }
    return placement_record(actor=None, measure=measure, **{**data, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employer_bin": "123456789012"}, "employer_bin"),
        ({"employer_bin": "12345"}, "employer_bin"),
        ({"start_date": timezone.localdate() - dt.timedelta(days=30)}, "start_date"),
        ({"start_date": timezone.localdate() + dt.timedelta(days=400)}, "start_date"),
        ({"on_quota_job": True}, "employer_bin"),  # the employer has no quota in the register
    ],
)
def test_a_placement_names_the_wrong_field_and_saves_nothing(job_measure, changes, field):
    with pytest.raises(ValidationError) as refused:
        place(job_measure, **changes)
    assert field in refused.value.message_dict
    assert not Placement.objects.exists()


def test_a_placement_on_a_quota_job_fills_the_employers_quota(job_measure, district, career_centre):
    year = timezone.localdate().year
    row = employer_quota_create(
        actor=None, kept_by=career_centre, **quota_data(district, filled=0, year=year)
    )
    # The person lives in a village of the district: the district's register answers.
    assert list(unfilled_quotas(territory=job_measure.territory, year=year)) == [row]
    assert list(unfilled_quotas(territory=job_measure.territory, year=year - 1)) == []

    placement = place(job_measure, employer_bin=row.employer_bin, on_quota_job=True)
    row.refresh_from_db()
    assert (placement.quota, row.filled) == (row, 1)
    # A register form read before the placement would write back the old count: it is stale.
    with pytest.raises(ConflictError):
        employer_quota_update(
            actor=None,
            quota=row,
            expected_version=1,
            **quota_data(district, employer_bin=row.employer_bin, year=year, filled=0),
        )

    # Corrected to a job off the quota: the register gives the job back.
    place(
        job_measure,
        employer_bin=row.employer_bin,
        on_quota_job=False,
        expected_version=placement.version,
        start_date=placement.start_date,
    )
    row.refresh_from_db()
    assert row.filled == 0
    with pytest.raises(ConflictError):
        place(job_measure, expected_version=placement.version)
