"""Meetings: format rules, numbering, concurrent edits, agenda order, materials, invitations,
holding and cancelling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import User
from kopir.core import sample_files
from kopir.core.errors import ConflictError, DomainError
from kopir.core.uploads import MAX_UPLOAD_BYTES
from kopir.council import models as m
from kopir.council.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    material_add,
    speech_add,
    validate_material_file,
)
from kopir.council.services.meetings import (
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_update,
)
from kopir.council.services.minutes_body import build_body, load_meeting
from kopir.council.tests.conftest import record_present, roll_call_vote, signed_in
from kopir.council.tests.factories import AgendaItemFactory, CompositionFactory, PetitionFactory
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.now() + dt.timedelta(days=7)
#: The same time as the form sends it (a date far from today would be refused as a typo).
TYPED_NEXT_WEEK = timezone.localtime(NEXT_WEEK).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("format", "place", "link", "errors"),
    [
        (m.MeetingFormat.REGULAR, "", "", set()),
        (m.MeetingFormat.OFFSITE, "", "", {"place"}),
        (m.MeetingFormat.OFFSITE, "Теректі ауданы, Федоровка а.", "", set()),
        (m.MeetingFormat.ONLINE, "", "", {"online_link"}),
        (m.MeetingFormat.ONLINE, "", "https://meet.example.kz/wko", set()),
        (m.MeetingFormat.HYBRID, "", "", {"place", "online_link"}),
        (m.MeetingFormat.HYBRID, "Орал қ.", "", {"online_link"}),
        (m.MeetingFormat.HYBRID, "Орал қ.", "https://meet.example.kz/wko", set()),
    ],
)
def test_each_format_needs_its_place_or_link(
    council: m.Council, secretary: User, format: str, place: str, link: str, errors: set[str]
) -> None:
    def create() -> m.Meeting:
        return meeting_create(
            actor=secretary,
            council=council,
            format=format,
            starts_at=NEXT_WEEK,
            place=place,
            online_link=link,
        )

    if errors:
        with pytest.raises(ValidationError) as error:
            create()
        assert set(error.value.message_dict) == errors
    else:
        assert create().number == 1


def test_the_meeting_form_shows_format_errors_on_their_fields(
    client: Client, council: m.Council, secretary: User
) -> None:
    response = signed_in(client, secretary).post(
        reverse("council:meeting_new", args=[council.slug]),
        {"format": m.MeetingFormat.HYBRID, "starts_at": TYPED_NEXT_WEEK},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"place", "online_link"}
    assert b'aria-invalid="true"' in response.content
    assert not m.Meeting.objects.exists()


@pytest.mark.parametrize(("typed", "days"), [("1999-01-01T10:00", -366), ("2099-01-01T10:00", 732)])
def test_the_meeting_form_refuses_a_date_far_from_today(
    client: Client, council: m.Council, secretary: User, typed: str, days: int
) -> None:
    response = signed_in(client, secretary).post(
        reverse("council:meeting_new", args=[council.slug]),
        {"format": m.MeetingFormat.REGULAR, "starts_at": typed},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"starts_at"}
    # The error names the bound as people write dates (dd.mm.yyyy), not in ISO.
    bound = timezone.localdate() + dt.timedelta(days=days)
    assert bound.strftime("%d.%m.%Y") in errors["starts_at"][0]
    assert not m.Meeting.objects.exists()


def test_a_meeting_cannot_be_before_the_council_was_established(
    council: m.Council, secretary: User
) -> None:
    council.established_on = timezone.localdate() + dt.timedelta(days=30)
    council.save(update_fields=["established_on"])

    with pytest.raises(ValidationError) as error:
        meeting_create(actor=secretary, council=council, format="regular", starts_at=NEXT_WEEK)

    assert set(error.value.message_dict) == {"starts_at"}
    assert not m.Meeting.objects.exists()


def test_meetings_are_numbered_per_council(
    council: m.Council, other_council: m.Council, secretary: User
) -> None:
    first = meeting_create(actor=secretary, council=council, format="regular", starts_at=NEXT_WEEK)
    second = meeting_create(actor=secretary, council=council, format="regular", starts_at=NEXT_WEEK)
    elsewhere = meeting_create(
        actor=None, council=other_council, format="regular", starts_at=NEXT_WEEK
    )

    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)


def test_a_stale_edit_is_refused_and_overwrites_nothing(
    meeting: m.Meeting, secretary: User
) -> None:
    read_at = meeting.version
    meeting_update(actor=secretary, meeting=meeting, expected_version=read_at, place="Жаңа орын")

    with pytest.raises(ConflictError):
        meeting_update(actor=secretary, meeting=meeting, expected_version=read_at, place="Ескі бет")

    meeting.refresh_from_db()
    assert meeting.place == "Жаңа орын"
    assert meeting.version == read_at + 1


def test_the_edit_page_says_so_when_someone_saved_first(
    client: Client, meeting: m.Meeting, secretary: User
) -> None:
    stale = meeting.version
    meeting_update(actor=secretary, meeting=meeting, expected_version=stale, place="Басқа зал")

    response = signed_in(client, secretary).post(
        reverse("council:meeting_edit", args=[meeting.council.slug, meeting.pk]),
        {
            "format": "regular",
            "starts_at": TYPED_NEXT_WEEK,
            "place": "Менің өзгерісім",
            "version": stale,
        },
    )

    assert response.status_code == 409
    assert response.context["conflict"]
    assert "Менің өзгерісім" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Басқа зал"
    # The form carries the stored version now: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == str(meeting.version)


def test_the_edit_page_is_saved_at_the_version_it_shows(
    client: Client, meeting: m.Meeting, secretary: User
) -> None:
    url = reverse("council:meeting_edit", args=[meeting.council.slug, meeting.pk])
    page = signed_in(client, secretary).get(url)
    shown = page.context["form"]["version"].value()

    response = client.post(
        url,
        {"format": "regular", "starts_at": TYPED_NEXT_WEEK, "place": "Жаңа зал", "version": shown},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Жаңа зал"


def test_a_future_meeting_cannot_be_marked_held(meeting: m.Meeting, secretary: User) -> None:
    with pytest.raises(DomainError):
        meeting_mark_held(actor=secretary, meeting=meeting)


def test_holding_a_meeting_marks_its_petitions_considered(
    started_meeting: m.Meeting, secretary: User, council: m.Council
) -> None:
    petition = PetitionFactory.create(council=council, status=m.PetitionStatus.ON_AGENDA)
    AgendaItemFactory.create(meeting=started_meeting, order=1, petition=petition)

    held = meeting_mark_held(
        actor=secretary, meeting=started_meeting, expected_version=started_meeting.version
    )

    petition.refresh_from_db()
    assert held.status == m.MeetingStatus.HELD
    assert petition.status == m.PetitionStatus.CONSIDERED
    with pytest.raises(DomainError):
        meeting_mark_held(actor=secretary, meeting=held)


def test_cancelling_a_meeting_returns_its_petitions_to_the_register(
    meeting: m.Meeting, secretary: User, council: m.Council
) -> None:
    petition = PetitionFactory.create(council=council)
    agenda_item_add(actor=secretary, meeting=meeting, title="Өтініш", petition=petition)
    petition.refresh_from_db()
    assert petition.status == m.PetitionStatus.ON_AGENDA

    meeting_cancel(actor=secretary, meeting=meeting)

    petition.refresh_from_db()
    assert petition.status == m.PetitionStatus.REGISTERED


def test_agenda_items_move_up_and_down_and_close_gaps_when_removed(
    meeting: m.Meeting, secretary: User
) -> None:
    first, second, third = (
        agenda_item_add(actor=secretary, meeting=meeting, title=title)
        for title in ("Бірінші", "Екінші", "Үшінші")
    )

    agenda_item_move(actor=secretary, item=third, direction="up")
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Бірінші", "Үшінші", "Екінші"]
    agenda_item_move(actor=secretary, item=first, direction="up")  # already first: nothing moves
    agenda_item_remove(actor=secretary, item=first)

    assert list(meeting.agenda.values_list("order", "title")) == [(1, "Үшінші"), (2, "Екінші")]
    assert second.pk in meeting.agenda.values_list("pk", flat=True)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", sample_files.pdf()),
        ("report.docx", sample_files.docx()),
        ("report.odt", sample_files.odt()),
        ("photo.JPG", sample_files.jpeg()),
        ("chart.png", sample_files.png()),
    ],
)
def test_pdf_docx_odt_jpg_and_png_materials_are_accepted(name: str, content: bytes) -> None:
    validate_material_file(_upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tool.exe", b"MZ...", "file_kind"),
        ("slides.pptx", b"PK\x03\x04", "file_kind"),
        ("fake.pdf", b"MZ not a pdf", "file_content"),
        ("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "file_size"),
        ("broken.odt", sample_files.docx(), "file_damaged"),
    ],
)
def test_other_files_are_refused_with_a_reason(name: str, content: bytes, reason: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_material_file(_upload(name, content))
    assert error.value.error_dict["file"][0].code == reason


def test_a_material_is_stored_and_served_to_members_only(
    client: Client, agenda_item: m.AgendaItem, secretary: User, member_user: User, outsider: User
) -> None:
    material = material_add(
        actor=secretary,
        agenda_item=agenda_item,
        title="Анықтама",
        file=_upload("note.pdf", sample_files.pdf()),
    )
    url = reverse(
        "council:material_download",
        args=[agenda_item.meeting.council.slug, agenda_item.meeting.pk, material.pk],
    )

    response = signed_in(client, member_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert signed_in(Client(), outsider).get(url).status_code == 403


def test_locked_minutes_freeze_the_record(agenda_item: m.AgendaItem, secretary: User) -> None:
    m.Minutes.objects.create(meeting=agenda_item.meeting, locked_at=timezone.now())

    with pytest.raises(DomainError):
        speech_add(actor=secretary, agenda_item=agenda_item, speaker="Кім", summary="Не")


def test_holding_a_meeting_keeps_the_composition_it_sat_in_even_from_a_stale_copy(
    started_meeting: m.Meeting, secretary: User, council: m.Council, members: list[m.Member]
) -> None:
    stale = m.Meeting.objects.get(pk=started_meeting.pk)  # read before attendance was taken
    record_present(started_meeting, members[:3], actor=secretary)
    sat_in = m.Meeting.objects.get(pk=started_meeting.pk).composition_id
    assert sat_in is not None
    # The meeting approves a new composition, which comes into force before it is marked held.
    m.Composition.objects.filter(pk=sat_in).update(status=m.CompositionStatus.SUPERSEDED)
    CompositionFactory.create(council=council, status=m.CompositionStatus.APPROVED)

    held = meeting_mark_held(actor=secretary, meeting=stale)

    assert held.composition_id == sat_in


def test_the_minutes_name_an_official_once_though_invited_twice_and_recorded_as_a_guest(
    agenda_item: m.AgendaItem, agency: Organisation
) -> None:
    meeting = agenda_item.meeting
    second = AgendaItemFactory.create(meeting=meeting, order=2, title="Екінші мәселе")
    for item, name in ((agenda_item, "Лауазымды Серік"), (second, "Лауазымды  Серік")):
        m.InvitedOfficial.objects.create(
            agenda_item=item, full_name=name, position="басшының орынбасары", organisation=agency
        )
    for name in ("лауазымды серік", "Қонақ Айбек"):
        m.Attendance.objects.create(
            meeting=meeting,
            guest_name=name,
            guest_organisation=agency,
            status=m.AttendanceStatus.GUEST,
        )

    text = build_body(load_meeting(meeting.pk), "kk")["sections"][0]["text"]

    assert text.casefold().count("лауазымды серік") == 1
    assert "Қонақ Айбек" in text  # a guest who is no official stays among the guests


def test_holding_asks_for_the_box_to_be_ticked(
    client: Client, started_meeting: m.Meeting, secretary: User
) -> None:
    with translation.override("en"):
        address = reverse(
            "council:meeting_held", args=[started_meeting.council.slug, started_meeting.pk]
        )
    signed_in(client, secretary)

    refused = client.post(address, {"version": started_meeting.version}, follow=True)
    started_meeting.refresh_from_db()
    assert started_meeting.status == m.MeetingStatus.PLANNED
    assert any("Tick the box" in str(message) for message in refused.context["messages"])

    client.post(address, {"version": started_meeting.version, "confirm": "on"})
    started_meeting.refresh_from_db()
    assert started_meeting.status == m.MeetingStatus.HELD


def test_cancelling_is_a_red_button_that_leads_to_its_confirmation_page(
    client: Client, started_meeting: m.Meeting, secretary: User
) -> None:
    slug, pk = started_meeting.council.slug, started_meeting.pk
    with translation.override("en"):
        meeting_address = reverse("council:meeting_detail", args=[slug, pk])
        address = reverse("council:meeting_cancel", args=[slug, pk])
    signed_in(client, secretary)

    meeting_page = client.get(meeting_address).content.decode()
    # A link styled as a destructive button, not a form that cancels from the meeting page.
    assert f'<a class="button button--warning" href="{address}">Cancel the meeting</a>' in (
        meeting_page
    )
    assert f'action="{address}"' not in meeting_page

    page = client.get(address).content.decode()
    assert "<h1>Cancel meeting № 2</h1>" in page
    assert "Everyone invited is sent the cancellation" in page
    assert '<button type="submit" class="button--warning">Cancel the meeting</button>' in page
    assert f'href="{meeting_address}">Keep the meeting</a>' in page

    refused = client.post(address, {"version": started_meeting.version})
    started_meeting.refresh_from_db()
    assert started_meeting.status == m.MeetingStatus.PLANNED
    assert refused.status_code == 200
    assert "Tick the box to confirm, then press again." in refused.content.decode()

    done = client.post(address, {"version": started_meeting.version, "confirm": "on"})
    started_meeting.refresh_from_db()
    assert started_meeting.status == m.MeetingStatus.CANCELLED
    assert done.status_code == 302
    assert done.headers["Location"] == meeting_address
    # A cancelled meeting has nothing left to cancel: its address leads back to the meeting.
    assert client.get(address).headers["Location"] == meeting_address


def test_nothing_that_happens_at_a_meeting_is_recorded_before_it_starts(
    client: Client, meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    from kopir.council.services.agenda import decision_add
    from kopir.council.services.attendance import guest_add
    from kopir.council.services.votes import vote_open

    item = AgendaItemFactory.create(meeting=meeting, order=1)
    with translation.override("en"):
        start = timezone.localtime(meeting.starts_at).strftime("%m/%d/%Y")
        refusals = [
            lambda: record_present(meeting, members, actor=secretary),
            lambda: guest_add(actor=secretary, meeting=meeting, name="Қонақ"),
            lambda: vote_open(
                actor=secretary, agenda_item=item, question="Қабылдау", kind=m.VoteKind.COUNTED
            ),
            lambda: speech_add(agenda_item=item, speaker="Мүше", summary="Сөз", actor=secretary),
            lambda: decision_add(agenda_item=item, text="Шешім", actor=secretary),
            lambda: meeting_mark_held(actor=secretary, meeting=meeting),
        ]
        for refused in refusals:
            with pytest.raises(DomainError, match=f"The meeting starts on {start}"):
                refused()
        page = signed_in(client, secretary).post(
            "/en"
            + reverse("council:meeting_attendance", args=[meeting.council.slug, meeting.pk])[3:],
            {f"member_{members[0].pk}": m.AttendanceStatus.IN_PERSON},
            follow=True,
        )

    assert f"The meeting starts on {start}" in page.content.decode()
    assert not m.Attendance.objects.filter(meeting=meeting).exists()
    assert not item.votes.exists()
    assert not item.decisions.exists()
    assert not item.speeches.exists()


def test_a_meeting_with_a_record_cannot_move_to_after_it(
    started_meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    from kopir.council.services.votes import vote_close, vote_open, vote_set_totals

    meeting = started_meeting
    item = AgendaItemFactory.create(meeting=meeting, order=1)
    record_present(meeting, members, actor=secretary)
    vote = vote_open(
        actor=secretary, agenda_item=item, question="Қабылдау", kind=m.VoteKind.COUNTED
    )
    vote_set_totals(actor=secretary, vote=vote, votes_for=5, votes_against=0, votes_abstain=0)
    vote = vote_close(actor=secretary, vote=vote, shown_totals=(5, 0, 0))
    meeting.refresh_from_db()
    assert vote.closed_at is not None

    for later in (vote.closed_at + dt.timedelta(minutes=1), timezone.now() + dt.timedelta(days=21)):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            meeting_update(
                actor=secretary, meeting=meeting, expected_version=meeting.version, starts_at=later
            )
        assert "already recorded" in str(refused.value.message_dict["starts_at"])
    earlier = meeting.starts_at - dt.timedelta(minutes=30)
    moved = meeting_update(
        actor=secretary, meeting=meeting, expected_version=meeting.version, starts_at=earlier
    )
    assert moved.starts_at == earlier


def test_a_decision_rests_only_on_a_vote_that_approved_it(
    client: Client, agenda_item: m.AgendaItem, members: list[m.Member], secretary: User
) -> None:
    """A decision could be tied to a vote that was not approved, and its page then read "Vote:
    Not approved" under it: a decision the council did not take, which may become its
    recommendation. A vote not approved, annulled or still open is refused at the field."""
    from kopir.council.services.votes import vote_close

    rejected = roll_call_vote(agenda_item, secretary, members, "against", question="Бас тарту")
    vote_close(actor=secretary, vote=rejected)
    annulled = roll_call_vote(agenda_item, secretary, members, "for", question="Қате")
    vote_close(actor=secretary, vote=annulled)
    m.Vote.objects.filter(pk=annulled.pk).update(annulled_at=timezone.now())  # by the chair
    still_open = roll_call_vote(agenda_item, secretary, members, "for", question="Ашық")
    meeting = agenda_item.meeting
    with translation.override("en"):
        url = reverse(
            "council:decision_new", args=[meeting.council.slug, meeting.pk, agenda_item.pk]
        )
    signed_in(client, secretary)

    def refusal(vote: m.Vote) -> str:
        page = client.post(url, {"text": "Шешім", "vote": vote.pk})
        assert page.status_code == 400
        return str(page.context["decision_form"].errors["vote"][0])

    assert (
        refusal(rejected)
        == refusal(annulled)
        == (
            "This vote approved nothing (it was not approved, or was annulled), so no decision rests "
            "on it. Choose the vote that approved the decision, or no vote."
        )
    )
    assert refusal(still_open) == (
        "This vote is still open: close it, then record the decision it took."
    )
    assert not agenda_item.decisions.exists()

    vote_close(actor=secretary, vote=still_open)
    assert client.post(url, {"text": "Шешім", "vote": still_open.pk}).status_code == 302
    assert agenda_item.decisions.get().vote == still_open


def test_the_decision_form_names_each_votes_result(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User
) -> None:
    """The form offered every vote of the item by its question alone, so the secretary could not
    tell the one that approved the decision from the one that did not, until refused."""
    from kopir.council.forms_meetings import DecisionForm
    from kopir.council.services.votes import vote_close

    rejected = roll_call_vote(agenda_item, secretary, members, "against", question="Бас тарту")
    vote_close(actor=secretary, vote=rejected)
    approved = roll_call_vote(agenda_item, secretary, members, "for", question="Бекіту")
    vote_close(actor=secretary, vote=approved)

    with translation.override("en"):
        offered = str(DecisionForm(votes=agenda_item.votes.all())["vote"])
    assert f'value="{rejected.pk}">Бас тарту (Not approved)</option>' in offered
    assert f'value="{approved.pk}">Бекіту (Approved unanimously)</option>' in offered
