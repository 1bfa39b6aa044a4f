"""The in-absentia MSE dashboard by diagnosis group (ICD-10 chapter): counts made by hand for one
clinic of exactly 5 and exactly 4 referrals in a group, the clinic's row adding up its groups'
published cells, and the differencing attacks a clinic's own rounded total would open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kopir.assessment.models import Referral
from kopir.assessment.tests.factories import Icd10CodeFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.periods import Period
from kopir.oversight.selectors.diagnosis import CHAPTERS
from kopir.oversight.selectors.mse import mse_dashboard
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tests.referrals import at, sent_referral

pytestmark = pytest.mark.django_db

Q1 = Period(2026, 1)
TODAY = dt.date(2026, 3, 31)
MONDAY = dt.date(2026, 2, 2)
MENTAL = "Chapter V (F00–F99)"
CIRCULATORY = "Chapter IX (I00–I99)"


def in_chapter(referrals: list[Referral], code: str, chapter: str) -> list[Referral]:
    diagnosis = Icd10CodeFactory.create(code=code, title_en=code, chapter=chapter)
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(primary_diagnosis=diagnosis)
    return referrals


def referrals(clinic: Any, count: int, **fields: Any) -> list[Referral]:
    return [sent_referral(clinic, MONDAY, **fields) for _ in range(count)]


def group(board: Any, label: str) -> Any:
    return next(row for row in board.by_diagnosis if row.label == label)


def test_no_clinic_no_group_rows() -> None:
    assert mse_dashboard(Scope(Q1), today=TODAY).by_diagnosis == []


def test_every_chapter_has_its_row_and_the_clinic_adds_up_its_groups() -> None:
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL, name_en="Clinic")
    # Exactly 5 in chapter V, 2 of them returned (one twice); exactly 4 in chapter IX.
    mental = in_chapter(referrals(clinic, 3), "F20.0", "V")
    mental += in_chapter(referrals(clinic, 1, returns=1), "F20.1", "V")
    mental += in_chapter(referrals(clinic, 1, returns=2), "F20.2", "V")
    in_chapter(referrals(clinic, 4), "I63.0", "IX")
    board = mse_dashboard(Scope(Q1, organisation=clinic), today=TODAY)
    assert len(board.by_diagnosis) == len(CHAPTERS) == 22
    assert [str(group(board, MENTAL).sent), str(group(board, CIRCULATORY).sent)] == ["5", "each <5"]
    assert str(group(board, MENTAL).returned) == "each <5"
    assert group(board, MENTAL).returned_share is None
    assert all(
        str(row.sent) == "each <5" for row in board.by_diagnosis if row.label != MENTAL
    )  # the twenty chapters with none read like chapter IX's 4
    # The clinic's row: 5 + <5 as shown, so 5 — not its 9 referrals rounded to 10.
    [row] = [r for r in board.rows if r.clinic_name == "Clinic"]
    assert str(row.sent) == "5"


def test_shares_by_group_from_published_counts() -> None:
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    # 10 in chapter V, 5 returned once each: 50 %, 0.5 returns per referral.
    in_chapter(referrals(clinic, 5, returns=1) + referrals(clinic, 5), "F20.0", "V")
    board = mse_dashboard(Scope(Q1), today=TODAY)
    mental = group(board, MENTAL)
    assert [str(mental.sent), str(mental.returned), str(mental.returns)] == ["10", "5", "5"]
    assert (mental.returned_share, mental.returns_per_referral) == (0.5, 0.5)


def _page(scope: Scope) -> list[Any]:
    board = mse_dashboard(scope, today=TODAY)
    return [
        [(r.clinic_name, str(r.sent), str(r.returned), str(r.returns)) for r in board.rows],
        [(r.label, str(r.sent), str(r.returned), r.returned_share) for r in board.by_diagnosis],
        [str(board.sent), str(board.returned), board.returned_share],
    ]


def test_two_groups_of_4_give_nothing_away() -> None:
    """A clinic with 4 referrals in chapter V and 0 to 4 in chapter IX: were its row its true
    count rounded (8 shows 10), "<5" and "<5" beside 10 would leave one reading, 4 and 4. Every
    page — all clinics, this clinic alone — reads the same whatever chapter IX holds."""
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    other = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    in_chapter(referrals(other, 7), "F20.0", "V")
    in_chapter(referrals(clinic, 4), "F20.0", "V")
    # Made up front (the factories add organisations of their own), sent in the quarter one by
    # one.
    later = in_chapter(
        [sent_referral(clinic, dt.date(2026, 7, 6)) for _ in range(4)], "I63.0", "IX"
    )
    scopes = (Scope(Q1), Scope(Q1, organisation=clinic))
    seen = [_page(scope) for scope in scopes]
    for referral in later:
        Referral.objects.filter(pk=referral.pk).update(first_sent_at=at(MONDAY))
        assert [_page(scope) for scope in scopes] == seen


def test_a_median_of_a_clinic_chosen_with_4_decided_is_not_shown() -> None:
    """The median and the 90th percentile follow the filters: the region's 9 decided show them,
    one clinic's 4 (the others' 5 filtered out) do not."""
    small = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    large = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    for decided in (dt.date(2026, 2, 3), dt.date(2026, 2, 4), dt.date(2026, 2, 5), MONDAY):
        sent_referral(small, MONDAY, decided_on=decided)
    for _ in range(5):
        sent_referral(large, MONDAY, decided_on=dt.date(2026, 2, 16))
    everyone = mse_dashboard(Scope(Q1), today=TODAY)
    # 0, 1, 2, 3 and five times 10 working days: the 5th of 9 is 10, the 9th is 10.
    assert (everyone.median_days, everyone.p90_days) == (10, 10)
    alone = mse_dashboard(Scope(Q1, organisation=small), today=TODAY)
    assert (alone.median_days, alone.p90_days) == (None, None)
