"""The quota register's pages and the placement form: who reaches them, what they save, the
district's unfilled quota jobs beside the placement, a stale edit, and the list's query budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Territory, TerritoryLevel
from kopir.directory.tests.factories import TerritoryFactory, next_bin
from kopir.rehabilitation.forms_employment import QuotaForm
from kopir.rehabilitation.models import EmployerQuota, MeasureStatus, Placement
from kopir.rehabilitation.services.employment import employer_quota_create
from kopir.rehabilitation.tests.followup_fixtures import english_messages as english_messages
from kopir.rehabilitation.tests.followup_fixtures import no_second_factor as no_second_factor
from kopir.rehabilitation.tests.followup_fixtures import world as world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("no_second_factor", "english_messages"),
]
YEAR = timezone.localdate().year


def quota(world, name="«Орал Сервис» ЖШС", **changes):
    data = {
        "employer_bin": next_bin(),
        "employer_name": name,
        "territory": world.district,
        "year": YEAR,
        "headcount": 260,
        "excluded_jobs": 10,
        "quota_percent": None,
        "filled": 1,
        "vacancies_reported": 2,
        **changes,
    }
    return employer_quota_create(actor=world.officer, kept_by=world.career_centre, **data)


def form_data(world, **changes):
    return {
        "employer_bin": next_bin(),
        "employer_name": "«Ақ Жайық» АҚ",
        "territory": world.district.pk,
        "year": YEAR,
        "headcount": 120,
        "excluded_jobs": 0,
        "quota_percent": "",
        "filled": 0,
        "vacancies_reported": 1,
        **changes,
    }


def test_the_career_centre_adds_and_lists_quotas(world):
    client = signed_in(Client(), world.officer)
    response = client.post(reverse("rehabilitation:quota_create"), form_data(world))
    assert response.status_code == 302
    row = EmployerQuota.objects.get()
    assert (row.quota_percent, row.quota_jobs, row.kept_by) == (3, 3, world.career_centre)
    page = client.get(reverse("rehabilitation:quota_list")).content.decode()
    assert "«Ақ Жайық» АҚ" in page


def test_the_register_says_which_year_it_lists(world):
    """Unfiltered, the page lists this year and its year field says so; a year without quotas
    is named in the empty state, not called "this year"."""
    quota(world)
    client = signed_in(Client(), world.officer)
    url = reverse("rehabilitation:quota_list")
    page = client.get(url).content.decode()
    assert f'name="year" value="{YEAR}"' in page
    earlier = client.get(url, {"year": YEAR - 3}).content.decode()
    assert f"No employers' quotas for {YEAR - 3}" in earlier
    assert "this year" not in earlier
    with translation.override("kk"):
        kazakh = client.get(reverse("rehabilitation:quota_list"), {"year": YEAR - 3})
    assert f"{YEAR - 3} жылға жұмыс берушілер квоталары жоқ" in kazakh.content.decode()


def test_a_year_not_valid_is_said_to_be_so_not_taken_for_this_year(world):
    """The filter's error is the empty state's reason: the page names no year it did not list."""
    quota(world)
    client = signed_in(Client(), world.officer)
    for typed in ("1999", "two thousand"):
        with translation.override("kk"):
            page = client.get(reverse("rehabilitation:quota_list"), {"year": typed})
        html = page.content.decode()
        assert "Жыл дұрыс енгізілмеген" in html
        assert "2016 мен 2100 аралығындағы жылды енгізіңіз." in html
        assert f"{YEAR} жыл" not in html
        assert "Орал Сервис" not in html


def test_the_quota_form_says_the_years_range_as_the_filter_does(world):
    """The entry form refuses a year out of range in the filter's words, not Django's."""
    client = signed_in(Client(), world.officer)
    for typed, language, said in (
        ("2015", "kk", "2016 мен 2100 аралығындағы жылды енгізіңіз."),
        ("2101", "ru", "Введите год от 2016 до 2100."),
        ("2015", "en", "Enter a year from 2016 to 2100."),
    ):
        with translation.override(language):
            response = client.post(
                reverse("rehabilitation:quota_create"), form_data(world, year=typed)
            )
        html = response.content.decode()
        assert response.status_code == 200
        assert said in html, language
        assert "greater than or equal" not in html
        assert "less than or equal" not in html
    assert not EmployerQuota.objects.exists()


def test_the_quota_form_asks_for_a_district_in_words(world):
    client = signed_in(Client(), world.officer)
    with translation.override("kk"):
        page = client.get(reverse("rehabilitation:quota_create")).content.decode()
    assert '<option value="" selected>Ауданды таңдаңыз</option>' in page
    assert "---------" not in page


def test_a_wrong_bin_is_named_and_nothing_typed_is_lost(world):
    response = signed_in(Client(), world.officer).post(
        reverse("rehabilitation:quota_create"), form_data(world, employer_bin="123456789012")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "BIN" in page
    assert "«Ақ Жайық» АҚ" in page
    assert not EmployerQuota.objects.exists()


def test_a_stale_quota_edit_answers_409_and_overwrites_nothing(world):
    row = quota(world)
    url = reverse("rehabilitation:quota_edit", args=[row.pk])
    client = signed_in(Client(), world.officer)
    data = form_data(world, employer_bin=row.employer_bin, version=1, headcount=300)
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "headcount": 400})
    assert stale.status_code == 409
    row.refresh_from_db()
    assert row.headcount == 300


def test_who_reaches_the_register(world, client):
    row = quota(world)
    urls = [
        reverse("rehabilitation:quota_list"),
        reverse("rehabilitation:quota_create"),
        reverse("rehabilitation:quota_edit", args=[row.pk]),
    ]
    for url in urls:
        assert signed_in(Client(), world.officer).get(url).status_code == 200
        assert signed_in(Client(), world.council_member).get(url).status_code == 403
        assert signed_in(Client(), world.specialist).get(url).status_code == 403
        assert client.get(url).status_code == 302
    # Another district's career centre keeps its own register: this row is not its business.
    assert signed_in(Client(), world.other_officer).get(urls[2]).status_code == 404
    assert (
        "Орал Сервис" not in signed_in(Client(), world.other_officer).get(urls[0]).content.decode()
    )


def test_the_register_lists_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = signed_in(Client(), world.officer)
    url = reverse("rehabilitation:quota_list")
    quota(world)
    client.get(url)
    with django_assert_max_num_queries(12) as first:
        client.get(url)
    for number in range(5):
        quota(world, name=f"Employer {number}")
    with django_assert_max_num_queries(len(first)):
        assert client.get(url).status_code == 200


def test_the_placement_form_shows_the_districts_unfilled_quota_jobs_and_saves(world):
    open_row = quota(world, name="«Орал Сервис» ЖШС")
    quota(world, name="Толық ЖШС", filled=10)  # every quota job filled: not offered
    url = reverse("rehabilitation:placement_edit", args=[world.job.pk])
    client = signed_in(Client(), world.officer)
    page = client.get(url).content.decode()
    assert "«Орал Сервис» ЖШС" in page
    assert "Толық ЖШС" not in page

    data = {
        "employer_bin": open_row.employer_bin,
        "employer_name": open_row.employer_name,
        "position": "Оператор",
        "start_date": timezone.localdate().isoformat(),
    }
    response = client.post(url, {**data, "on_quota_job": "on"})
    measure_url = reverse("rehabilitation:agency_measure", args=[world.job.pk])
    assert (response.status_code, response["Location"]) == (302, measure_url)
    placement = Placement.objects.get()
    assert placement.quota == open_row
    open_row.refresh_from_db()
    assert open_row.filled == 2
    # A page read before that save is stale: 409, the input kept, nothing overwritten.
    stale = client.post(url, {**data, "position": "Lost"})
    assert stale.status_code == 409
    assert stale.context["form"]["position"].value() == "Lost"
    assert Placement.objects.get().position == "Оператор"


def test_the_measure_page_leads_to_the_placement_which_delivers_the_measure(world):
    client = signed_in(Client(), world.officer)
    measure_url = reverse("rehabilitation:agency_measure", args=[world.job.pk])
    url = reverse("rehabilitation:placement_edit", args=[world.job.pk])
    assert f'href="{url}"' in client.get(measure_url).content.decode()
    # The placement page has its way back to the measure.
    assert f'href="{measure_url}"' in client.get(url).content.decode()

    start = timezone.localdate() - dt.timedelta(days=2)
    bin_ = next_bin()
    response = client.post(
        url,
        {
            "employer_bin": bin_,
            "employer_name": "«Ақ Жайық» АҚ",
            "position": "Есепші",
            "start_date": start.isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "The job placement is saved." in page
    world.job.refresh_from_db()
    assert (world.job.status, world.job.delivered_on) == (MeasureStatus.DELIVERED, start)
    assert world.job.item_details == f"«Ақ Жайық» АҚ ({bin_}), Есепші"
    # The timeline says it, through the engine.
    assert list(world.job.events.values_list("to_status", flat=True)) == ["delivered"]
    # Delivered, the page still leads to the placement, to correct it.
    assert "Correct the job placement" in page


def _placed(world, start_date: str):
    """The officer records the job measure's placement: an accountant starting on `start_date`."""
    return signed_in(Client(), world.officer).post(
        reverse("rehabilitation:placement_edit", args=[world.job.pk]),
        {
            "employer_bin": next_bin(),
            "employer_name": "«Ақ Жайық» АҚ",
            "position": "Есепші",
            "start_date": start_date,
        },
    )


def test_a_job_starting_later_schedules_the_measure_for_its_first_day(world):
    start = timezone.localdate() + dt.timedelta(days=7)
    _placed(world, start.isoformat())
    world.job.refresh_from_db()
    assert (world.job.status, world.job.scheduled_on) == (MeasureStatus.SCHEDULED, start)


def test_the_placement_names_a_start_before_the_assignment(world):
    response = _placed(world, "2020-01-01")
    assert response.status_code == 200
    assert "cannot start before the measure was assigned" in response.content.decode()
    assert not Placement.objects.exists()


def test_who_reaches_the_placement(world, client):
    url = reverse("rehabilitation:placement_edit", args=[world.job.pk])
    assert signed_in(Client(), world.other_officer).get(url).status_code == 404
    assert signed_in(Client(), world.council_member).get(url).status_code == 403
    assert client.get(url).status_code == 302
    # A measure that is not a job placement has no placement page.
    hearing_url = reverse("rehabilitation:placement_edit", args=[world.hearing.pk])
    assert signed_in(Client(), world.officer).get(hearing_url).status_code == 404


@pytest.fixture
def administrator():
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory

    return UserFactory.create(roles=[Role.ADMINISTRATOR])


def band_data(band, **changes):
    data = {
        "min_headcount": band.min_headcount,
        "max_headcount": band.max_headcount or "",
        "percent": str(band.percent),
        "rounding": band.rounding,
        "legal_source": band.legal_source,
        "version": band.version,
    }
    return {**data, **changes}


def test_an_administrator_changes_a_band_and_the_register_follows(world, administrator):
    from kopir.rehabilitation.models import QuotaBand

    band = QuotaBand.objects.get(min_headcount=101)
    client = signed_in(Client(), administrator)
    assert client.get(reverse("rehabilitation:quota_bands")).status_code == 200
    url = reverse("rehabilitation:quota_band_edit", args=[band.pk])
    assert client.post(url, band_data(band, percent="3.50")).status_code == 302
    band.refresh_from_db()
    assert (band.percent, band.version) == (Decimal("3.50"), 2)
    # 3.5 % of 200 jobs: 7 quota jobs for an employer saved from now on.
    row = quota(world, headcount=200, excluded_jobs=0)
    assert (row.quota_percent, row.quota_jobs) == (Decimal("3.50"), 7)
    # The page read before the change is stale now.
    stale = client.post(url, band_data(band, percent="3", version=1))
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percent": "5"}, "2 to 4 %"),
        ({"min_headcount": 40}, "at least 50 employees"),
        ({"max_headcount": 260}, "overlaps another band"),
        ({"max_headcount": 90}, "cannot be below the lower one"),
    ],
)
def test_a_band_outside_the_codes_frame_is_refused(world, administrator, changes, message):
    from kopir.rehabilitation.models import QuotaBand

    band = QuotaBand.objects.get(min_headcount=101)
    response = signed_in(Client(), administrator).post(
        reverse("rehabilitation:quota_band_edit", args=[band.pk]), band_data(band, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    band.refresh_from_db()
    assert band.version == 1


def test_only_administrators_keep_the_bands(world):
    from kopir.rehabilitation.models import QuotaBand

    url = reverse(
        "rehabilitation:quota_band_edit", args=[QuotaBand.objects.get(min_headcount=50).pk]
    )
    for user in (world.officer, world.specialist, world.council_member):
        assert signed_in(Client(), user).get(url).status_code == 403


def test_saving_a_quota_says_so(world):
    client = signed_in(Client(), world.officer)
    response = client.post(reverse("rehabilitation:quota_create"), form_data(world), follow=True)
    assert "The employer&#x27;s quota is saved." in response.content.decode()


def test_the_district_list_leaves_out_the_region_and_follows_the_kazakh_alphabet(world):
    region = world.district.parent
    names = ["Шыңғырлау ауданы", "Қаратөбе ауданы", "Бөрлі ауданы", "Теректі ауданы"]
    for number, name in enumerate(names):
        TerritoryFactory.create(
            kato=f"27{number}100000", level=TerritoryLevel.DISTRICT, parent=region, name_kk=name
        )
    territories = Territory.objects.filter(Q(pk=region.pk) | Q(parent=region))
    with translation.override("kk"):
        field = QuotaForm(territories=territories).fields["territory"]
        listed = [territory.name for territory in field.queryset]  # type: ignore[attr-defined]
    assert region.name_kk not in listed
    mine = [name for name in listed if name in names]
    assert mine == ["Бөрлі ауданы", "Қаратөбе ауданы", "Теректі ауданы", "Шыңғырлау ауданы"]


def test_the_bands_legal_basis_reads_in_kazakh(world, administrator):
    from kopir.rehabilitation.models import QuotaBand

    band = QuotaBand.objects.get(min_headcount=101)
    assert band.legal_source_kk
    with translation.override("kk"):
        page = signed_in(Client(), administrator).get(reverse("rehabilitation:quota_bands"))
    assert band.legal_source_kk in page.content.decode()
    assert band.legal_source not in page.content.decode()
