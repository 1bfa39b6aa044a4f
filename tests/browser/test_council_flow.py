"""A council meeting from agenda to approved minutes, and an agency's answer to its
recommendation — by keyboard alone, with axe on every page the flow reaches.

The secretary plans a meeting, adds an agenda item, records attendance (quorum), takes a roll-call
vote, records the decision, drafts and sends a recommendation from it to the employment office,
marks the meeting held, assembles and signs the minutes; the chair signs second, which approves
and locks them. The office's officer acknowledges the recommendation and answers it with
evidence; the secretary accepts the answer, which executes the recommendation.

Only Tab, Shift+Tab, arrows, Space, Enter and typing; `page.goto` opens a starting page only
(the sign-in page, or an address a person would have from an e-mail), and the evidence file goes
through the file chooser a person would use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from kopir.core import sample_files
from kopir.council.models import (
    AgendaItem,
    Council,
    Decision,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Recommendation,
    RecommendationResponse,
    ResponseVerdict,
    Vote,
    VoteResult,
)
from kopir.council.models import RecommendationStatus as S
from kopir.council.services.quorum import quorum_status
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import DEMO_PASSWORD, Demo
from tests.browser.helpers import (
    assert_focus_is_visible,
    current_path,
    focus_matches,
    focused,
    path_for,
    sign_in_by_keyboard,
    submit_by_enter,
    tab_to,
)
from tests.browser.keyboard import (
    choose,
    choose_file,
    choose_radio,
    press,
    radio_groups,
    sign_out_by_keyboard,
    skip_to_main,
    tick,
    type_datetime,
    type_into,
)

pytestmark = pytest.mark.browser

COUNCIL_SLUG = "wko-social"
AGENDA_TITLE = "Мүгедектігі бар адамдарды жұмысқа орналастыру квотасының орындалуы"
AGENDA_TITLE_RU = "Выполнение квоты трудоустройства лиц с инвалидностью"
RAPPORTEUR = "Тестова Әлия Бекқызы"
RAPPORTEUR_RU = "Тестова Алия Бекқызы"
VOTE_QUESTION = "Жұмыспен қамту басқармасына ұсыным жіберу"
VOTE_QUESTION_RU = "Направить рекомендацию управлению занятости"
DECISION_TEXT = "Квотаның орындалуы туралы ақпарат қабылдансын; басқармаға ұсыным жіберілсін."
DECISION_TEXT_RU = "Принять к сведению информацию о выполнении квоты; направить рекомендацию."
RECOMMENDATION_TEXT = "Квота бойынша бос жұмыс орындарының тізімін тоқсан сайын жариялау."
RECOMMENDATION_TEXT_RU = "Ежеквартально публиковать список вакансий по квоте."
ANSWER_TEXT = "Тізім басқарманың сайтында 2026 жылғы 1 желтоқсаннан бастап жарияланады."
MINIMAL_PDF = sample_files.pdf()


# --- Keyboard moves ------------------------------------------------------------------------------


def kk(message: Any) -> str:
    """A message or a choice's label as the Kazakh page shows it (the flow's language)."""
    with translation.override("kk"):
        return gettext(message) if isinstance(message, str) else str(message)


def arrive(page: Page, path: str, where: str) -> None:
    """A new page has loaded at `path`: it passes axe, and focus starts at the top of it."""
    assert current_path(page) == path, (
        f"expected {path} ({where}), got {current_path(page)}: {page.locator('main').inner_text()}"
    )
    assert_no_axe_violations(page, where)
    page.focus("body")


def _meeting_address(council: Council, meeting: Meeting) -> tuple[dict[str, Any], str]:
    """The meeting's URL arguments and its page's path (in Kazakh)."""
    meeting_kwargs = {"slug": council.slug, "pk": meeting.pk}
    return meeting_kwargs, path_for("council:meeting_detail", "kk", meeting_kwargs)


def open_as(page: Page, live_server: Any, username: str, path: str, where: str) -> None:
    """`username` signs in by keyboard, then opens `path` from an address a message gave them."""
    sign_in_by_keyboard(page, live_server, username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}{path}")
    arrive(page, path, where)


def follow_link(page: Page, path: str, where: str) -> None:
    """From the top of the main content, follow its link to `path` and arrive there."""
    skip_to_main(page)
    press(page, f"main a[href='{path}']")
    arrive(page, path, where)


def press_form_button(page: Page, action_path: str, path: str, where: str) -> None:
    """From the top of the main content, press the button of the form that posts to
    `action_path` (ticking its confirmation box first, if it asks for one), and arrive at
    `path`."""
    form = f"main form[action='{action_path}']"
    skip_to_main(page)
    if page.locator(f"{form} input[name='confirm']").count():
        tick(page, f"{form} input[name='confirm']")
    press(page, f"{form} button")
    arrive(page, path, where)


def sign_out(page: Page) -> None:
    sign_out_by_keyboard(page)
    arrive(page, path_for("accounts:login", "kk"), "sign-in page, signed out")


# --- The flow --------------------------------------------------------------------------------------


@pytest.fixture
def evidence_file(tmp_path: Path, settings: Any) -> Path:
    # Uploaded evidence goes to a temporary media folder, not the project's data folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "квота-тізімі.pdf"
    path.write_bytes(MINIMAL_PDF)
    return path


def test_the_secretary_runs_a_meeting_to_approved_minutes_and_the_agency_answers_by_keyboard(
    page: Page, live_server: Any, demo: Demo, evidence_file: Path
) -> None:
    council = Council.objects.get(slug=COUNCIL_SLUG)
    agency = demo.user("agency").organisation
    assert agency is not None

    meeting = _secretary_plans_the_meeting_and_its_agenda(page, live_server, council)
    vote = _secretary_takes_attendance_and_the_vote(page, council, meeting)
    recommendation = _secretary_records_the_decision_and_sends_a_recommendation(
        page, council, meeting, vote, agency.name_kk
    )
    _secretary_holds_the_meeting_and_signs_the_minutes(page, council, meeting)
    sign_out(page)

    _chair_signs_and_the_minutes_lock(page, live_server, council, meeting)
    sign_out(page)

    answer = _agency_acknowledges_and_answers(page, live_server, recommendation, evidence_file)
    sign_out(page)

    _secretary_accepts_the_answer(page, live_server, council, recommendation, answer)


def _secretary_plans_the_meeting_and_its_agenda(
    page: Page, live_server: Any, council: Council
) -> Meeting:
    slug = {"slug": council.slug}
    sign_in_by_keyboard(page, live_server, "secretary", DEMO_PASSWORD)
    arrive(page, path_for("core:home", "kk"), "home (secretary)")

    # Home → Councils (main navigation) → the council → its meetings.
    press(page, f"nav.main-nav a[href='{path_for('council:council_list', 'kk')}']")
    arrive(page, path_for("council:council_list", "kk"), "council list")
    skip_to_main(page)
    press(page, f"main a[href='{path_for('council:council_detail', 'kk', slug)}']")
    arrive(page, path_for("council:council_detail", "kk", slug), "council overview")
    skip_to_main(page)
    meetings_path = path_for("council:meeting_list", "kk", slug)
    press(page, f"main nav.council-nav a[href='{meetings_path}']")
    arrive(page, meetings_path, "meeting list")

    # Plan a meeting: first sent empty, to meet the error summary, then filled in.
    skip_to_main(page)
    new_meeting_path = path_for("council:meeting_new", "kk", slug)
    press(page, f"main a[href='{new_meeting_path}']")
    arrive(page, new_meeting_path, "plan a meeting")
    # Through the skip link: it adds #main to the address, the form (no action) posts back to
    # it, and the browser focuses <main> on arrival; kopir.js gives focus back to the summary.
    skip_to_main(page)
    press(page, "main form.form button[type='submit']")
    assert current_path(page) == new_meeting_path
    assert focus_matches(page, "[data-error-summary]"), (
        f"after a refused form, focus should be on the error summary, not {focused(page)}"
    )
    assert_no_axe_violations(page, "plan a meeting, refused")
    meetings_before = set(council.meetings.values_list("pk", flat=True))

    # Yesterday, so that the meeting can be marked held and its minutes assembled today.
    starts_at = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    starts_at -= dt.timedelta(days=1)
    choose_radio(page, "format", "regular")
    type_datetime(page, "starts_at", starts_at)
    press(page, "main form.form button[type='submit']")

    meeting = council.meetings.exclude(pk__in=meetings_before).get()
    assert meeting.status == MeetingStatus.PLANNED
    assert timezone.localtime(meeting.starts_at) == starts_at
    meeting_path = path_for("council:meeting_detail", "kk", {**slug, "pk": meeting.pk})
    arrive(page, meeting_path, "new meeting, empty agenda")

    # An agenda item with its rapporteur.
    skip_to_main(page)
    item_new_path = path_for("council:agenda_item_new", "kk", {**slug, "pk": meeting.pk})
    press(page, f"main a[href='{item_new_path}']")
    arrive(page, item_new_path, "add an agenda item")
    skip_to_main(page)
    # Every text the minutes carry is typed in Kazakh and in Russian, side by side.
    type_into(page, "title", AGENDA_TITLE)
    type_into(page, "title_ru", AGENDA_TITLE_RU)
    type_into(page, "rapporteur", RAPPORTEUR)
    submit_by_enter(page)  # Enter in a text field sends its form.
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.title, item.title_ru, item.rapporteur) == (
        AGENDA_TITLE,
        AGENDA_TITLE_RU,
        RAPPORTEUR,
    )
    arrive(page, meeting_path, "meeting with its agenda")
    expect(page.locator(f"#agenda-{item.pk}")).to_contain_text(RAPPORTEUR)
    return meeting


def _secretary_takes_attendance_and_the_vote(
    page: Page, council: Council, meeting: Meeting
) -> Vote:
    meeting_kwargs, meeting_path = _meeting_address(council, meeting)
    item = AgendaItem.objects.get(meeting=meeting)

    # Attendance: members in person, one more than the quorum needs.
    skip_to_main(page)
    attendance_path = path_for("council:meeting_attendance", "kk", meeting_kwargs)
    press(page, f"main a[href='{attendance_path}']")
    arrive(page, attendance_path, "attendance")
    attendance_form = f"main form[action='{attendance_path}']"
    members = radio_groups(page, attendance_form)
    before = quorum_status(meeting)
    assert len(members) == before.members, f"one radio group per member in force: {members}"
    assert not before.has_quorum
    # One more than the quorum needs, so one absence would not undo the decisions.
    present = before.required + 1
    # Only the absent are marked; "all present" records everyone else present in person.
    skip_to_main(page)
    for name in members[present:]:
        choose_radio(page, name, "absent")
    press(page, f"{attendance_form} button[name='all_present']")
    arrive(page, meeting_path, "meeting with attendance")
    assert meeting.attendance.filter(status="absent").count() == len(members) - present
    assert meeting.attendance.filter(status="in_person").count() == present
    expect(page.locator("main .panel[role='status']")).to_contain_text(kk("Quorum: yes"))

    # The agenda item's page: open a roll-call vote from its disclosure.
    skip_to_main(page)
    item_kwargs = {**meeting_kwargs, "item_pk": item.pk}
    item_path = path_for("council:agenda_item_detail", "kk", item_kwargs)
    press(page, f"main a[href='{item_path}']")
    arrive(page, item_path, "agenda item")
    skip_to_main(page)
    vote_form = f"form[action='{path_for('council:vote_new', 'kk', item_kwargs)}']"
    tab_to(page, f"main details:has({vote_form}) > summary")
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    type_into(page, "question", VOTE_QUESTION, within=vote_form)
    type_into(page, "question_ru", VOTE_QUESTION_RU, within=vote_form)
    page.keyboard.press("Tab")
    assert focus_matches(page, f"{vote_form} input[name='kind'][value='roll_call']:checked"), (
        f"a roll-call vote is the default: {focused(page)}"
    )
    press(page, f"{vote_form} button[type='submit']")
    vote = Vote.objects.get(agenda_item=item)
    assert vote.result == VoteResult.OPEN
    vote_kwargs = {**meeting_kwargs, "vote_pk": vote.pk}
    vote_path = path_for("council:vote_detail", "kk", vote_kwargs)
    arrive(page, vote_path, "open vote")

    # Each member present votes for; then the vote is closed and counted.
    ballots_form = f"main form[action='{path_for('council:vote_ballots', 'kk', vote_kwargs)}']"
    voters = radio_groups(page, ballots_form)
    assert len(voters) == present, "only the members present have a ballot"
    skip_to_main(page)
    for name in voters:
        choose_radio(page, name, "for")
    press(page, f"{ballots_form} button[type='submit']")
    arrive(page, vote_path, "open vote with ballots")
    assert vote.ballots.filter(choice="for").count() == present
    # Closing is irreversible: the box under the ballots must be ticked first.
    skip_to_main(page)
    tick(page, f"{ballots_form} input[name='confirm_close']")
    close_path = path_for("council:vote_close", "kk", vote_kwargs)
    press(page, f"{ballots_form} button[formaction='{close_path}']")
    arrive(page, vote_path, "closed vote")
    vote.refresh_from_db()
    assert (vote.result, vote.votes_for, vote.votes_against) == (
        VoteResult.APPROVED_UNANIMOUSLY,
        7,
        0,
    )
    assert vote.members_present == present
    expect(page.locator("main dl.summary-list")).to_contain_text(
        kk(VoteResult.APPROVED_UNANIMOUSLY.label)
    )
    return vote


def _secretary_records_the_decision_and_sends_a_recommendation(
    page: Page, council: Council, meeting: Meeting, vote: Vote, agency_name: str
) -> Recommendation:
    slug = {"slug": council.slug}
    item = vote.agenda_item
    item_kwargs = {**slug, "pk": meeting.pk, "item_pk": item.pk}
    item_path = path_for("council:agenda_item_detail", "kk", item_kwargs)

    # Back to the item, and record the decision taken by the vote.
    follow_link(page, item_path, "agenda item with a closed vote")
    skip_to_main(page)
    decision_form = f"form[action='{path_for('council:decision_new', 'kk', item_kwargs)}']"
    # A closed vote without its decision: the decision form is the next step, shown open.
    expect(page.locator(f"main details:has({decision_form})")).to_have_attribute("open", "")
    type_into(page, "text", DECISION_TEXT, within=decision_form)
    type_into(page, "text_ru", DECISION_TEXT_RU, within=decision_form)
    choose(page, "vote", VOTE_QUESTION, within=decision_form)
    press(page, f"{decision_form} button[type='submit']")
    decision = Decision.objects.get(agenda_item=item)
    assert (decision.text, decision.vote_id) == (DECISION_TEXT, vote.pk)
    arrive(page, item_path, "agenda item with its decision")

    # From the decision straight to drafting its recommendation, to the employment office.
    create_path = path_for("council:recommendation_create", "kk", slug)
    skip_to_main(page)
    press(page, f"main a[href='{create_path}?decision={decision.pk}']")
    arrive(page, create_path, "draft a recommendation from the decision")
    assert page.locator("main select[name='decision']").input_value() == str(decision.pk)
    skip_to_main(page)
    choose(page, "addressee", agency_name)
    type_into(page, "text", RECOMMENDATION_TEXT)
    type_into(page, "text_ru", RECOMMENDATION_TEXT_RU)
    press(page, "main form.form button[type='submit']")
    recommendation = Recommendation.objects.get(council=council, text=RECOMMENDATION_TEXT)
    assert recommendation.status == S.DRAFT
    assert recommendation.decision_id == decision.pk
    assert recommendation.addressee.name_kk == agency_name
    detail_kwargs = {**slug, "pk": recommendation.pk}
    detail_path = path_for("council:recommendation_detail", "kk", detail_kwargs)
    arrive(page, detail_path, "draft recommendation")

    # Record it as sent today (the date field is already today), ticking its confirmation.
    send_path = path_for("council:recommendation_send", "kk", detail_kwargs)
    press_form_button(page, send_path, detail_path, "sent recommendation")
    recommendation.refresh_from_db()
    assert recommendation.status == S.SENT
    assert recommendation.sent_on == timezone.localdate()
    assert recommendation.answer_due_on is not None
    expect(page.locator("main dl.summary-list").first).to_contain_text(kk(S.SENT.label))
    return recommendation


def _secretary_holds_the_meeting_and_signs_the_minutes(
    page: Page, council: Council, meeting: Meeting
) -> None:
    slug = {"slug": council.slug}
    meeting_kwargs, meeting_path = _meeting_address(council, meeting)

    # From the recommendation's source back to the meeting, and mark it held.
    follow_link(page, meeting_path, "planned meeting with its record")
    held_path = path_for("council:meeting_held", "kk", meeting_kwargs)
    press_form_button(page, held_path, meeting_path, "held meeting")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD

    # Its minutes: assemble the draft from the records, then sign as the secretary.
    number = {**slug, "number": meeting.number}
    minutes_path = path_for("council:minutes_detail", "kk", number)
    follow_link(page, minutes_path, "minutes not yet assembled")
    assemble_path = path_for("council:minutes_assemble", "kk", number)
    press_form_button(page, assemble_path, minutes_path, "draft minutes")
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == MinutesStatus.DRAFT
    assert minutes.versions.count() == 1
    document = page.locator("main")
    for recorded in (AGENDA_TITLE, RAPPORTEUR, DECISION_TEXT):
        expect(document).to_contain_text(recorded)

    # The rapporteur was typed in Kazakh only: the minutes list the Russian half as missing,
    # and the secretary follows that gap to the texts page and types it before signing.
    item = meeting.agenda.get()
    texts_path = path_for("council:meeting_texts", "kk", {**slug, "pk": meeting.pk})
    field_id = f"text-agendaitem-{item.pk}-rapporteur-ru"
    skip_to_main(page)
    press(page, f"main a[href='{texts_path}#{field_id}']")
    assert current_path(page) == texts_path
    assert focus_matches(page, f"#{field_id}"), f"focus: {focused(page)}"
    page.keyboard.type(RAPPORTEUR_RU)
    press(page, "main form.form button[type='submit']")
    item.refresh_from_db()
    assert item.rapporteur_ru == RAPPORTEUR_RU
    # The saved page keeps the field's fragment, so the Tab order goes on from that field: on,
    # past the remaining texts, to the form's way back to the meeting.
    press(page, f"main form a[href='{meeting_path}']", max_presses=40)
    arrive(page, meeting_path, "held meeting, its texts saved")
    follow_link(page, minutes_path, "draft minutes with every text in both languages")
    # The draft was assembled before the Russian half was typed: assembled again, it carries it.
    press_form_button(page, assemble_path, minutes_path, "draft minutes assembled again")
    assert minutes.versions.count() == 2

    sign_path = path_for("council:minutes_sign", "kk", number)
    press_form_button(page, sign_path, minutes_path, "minutes signed by the secretary")
    minutes.refresh_from_db()
    assert minutes.secretary_signed_at is not None, page.locator("main").inner_text()[:1500]
    assert minutes.chair_signed_at is None
    assert not minutes.is_locked, "one signature must not approve the minutes"
    expect(page.locator("main")).to_contain_text(kk("Signed by the secretary."))
    expect(page.locator("main")).to_contain_text(kk("Not yet signed by the chair."))


def _chair_signs_and_the_minutes_lock(
    page: Page, live_server: Any, council: Council, meeting: Meeting
) -> None:
    number = {"slug": council.slug, "number": meeting.number}
    minutes_path = path_for("council:minutes_detail", "kk", number)
    # The chair opens the minutes from the address the secretary sent round.
    open_as(page, live_server, "chair", minutes_path, "minutes awaiting the chair")
    sign_path = path_for("council:minutes_sign", "kk", number)
    press_form_button(page, sign_path, minutes_path, "approved minutes")

    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.is_locked
    assert minutes.locked_at is not None
    assert minutes.approved_by_chair is not None
    assert minutes.approved_by_chair.username == "chair"
    assert minutes.approved_by_secretary is not None
    assert minutes.approved_by_secretary.username == "secretary"
    expect(page.locator("main .tag--ok")).to_have_text(kk("Approved and locked"))
    # Locked: the chair, who could sign a moment ago, has nothing left to sign.
    expect(page.locator(f"main form[action='{sign_path}']")).to_have_count(0)


def _agency_acknowledges_and_answers(
    page: Page, live_server: Any, recommendation: Recommendation, evidence_file: Path
) -> RecommendationResponse:
    sign_in_by_keyboard(page, live_server, "agency", DEMO_PASSWORD)
    arrive(page, path_for("core:home", "kk"), "home (agency)")
    inbox_path = path_for("council:inbox", "kk")
    press(page, f"nav.main-nav a[href='{inbox_path}']")
    arrive(page, inbox_path, "inbox")

    detail_path = path_for("council:inbox_detail", "kk", {"pk": recommendation.pk})
    row = page.locator(f"main tbody tr:has(a[href='{detail_path}'])")
    expect(row).to_contain_text(RECOMMENDATION_TEXT)
    expect(row).to_contain_text(kk(S.SENT.label))
    follow_link(page, detail_path, "recommendation in the inbox")
    expect(page.locator("main blockquote[lang='kk']")).to_contain_text(RECOMMENDATION_TEXT)
    expect(page.locator("main blockquote[lang='ru']")).to_contain_text(RECOMMENDATION_TEXT_RU)

    acknowledge_path = path_for("council:inbox_acknowledge", "kk", {"pk": recommendation.pk})
    press_form_button(page, acknowledge_path, detail_path, "acknowledged recommendation")
    recommendation.refresh_from_db()
    assert recommendation.status == S.ACKNOWLEDGED
    assert recommendation.acknowledged_on == timezone.localdate()

    # The answer: a result (executed), the reasons, and the order as evidence.
    skip_to_main(page)
    choose_radio(page, "reported_status", S.EXECUTED)
    type_into(page, "text", ANSWER_TEXT)
    choose_file(page, "evidence", evidence_file)
    press(page, "section[aria-labelledby='answer-title'] button[type='submit']")
    arrive(page, detail_path, "answered recommendation")

    answer = RecommendationResponse.objects.get(recommendation=recommendation)
    assert answer.author.username == "agency"
    assert (answer.text, answer.reported_status) == (ANSWER_TEXT, S.EXECUTED)
    assert answer.verdict == ResponseVerdict.PENDING
    assert answer.evidence.name.endswith(".pdf")
    with answer.evidence.open("rb") as stored:
        assert stored.read() == MINIMAL_PDF
    recommendation.refresh_from_db()
    # A reported result waits for the council: the status does not move by itself.
    assert recommendation.status == S.ACKNOWLEDGED
    assert recommendation.answered_on == timezone.localdate()
    shown = page.locator(f"main article[aria-labelledby='answer-{answer.pk}']")
    expect(shown).to_contain_text(ANSWER_TEXT)
    expect(shown).to_contain_text(kk(S.EXECUTED.label))
    expect(shown).to_contain_text(kk(ResponseVerdict.PENDING.label))
    return answer


def _secretary_accepts_the_answer(
    page: Page,
    live_server: Any,
    council: Council,
    recommendation: Recommendation,
    answer: RecommendationResponse,
) -> None:
    detail_kwargs = {"slug": council.slug, "pk": recommendation.pk}
    detail_path = path_for("council:recommendation_detail", "kk", detail_kwargs)
    # The secretary comes from the e-mail that told her the answer arrived.
    open_as(page, live_server, "secretary", detail_path, "recommendation with an answer to review")

    review_path = path_for(
        "council:response_review", "kk", {**detail_kwargs, "response_pk": answer.pk}
    )
    follow_link(page, review_path, "review the answer")
    skip_to_main(page)
    choose_radio(page, "verdict", ResponseVerdict.ACCEPTED)
    press(page, "main form.form button[type='submit']")
    arrive(page, detail_path, "recommendation executed")

    answer.refresh_from_db()
    assert answer.verdict == ResponseVerdict.ACCEPTED
    assert answer.verdict_by is not None
    assert answer.verdict_by.username == "secretary"
    recommendation.refresh_from_db()
    assert recommendation.status == S.EXECUTED
    assert recommendation.closed_on == timezone.localdate()
    expect(page.locator("main dl.summary-list").first).to_contain_text(kk(S.EXECUTED.label))


def test_a_member_present_online_casts_their_own_ballot_by_keyboard(
    page: Page, live_server: Any, demo: Demo
) -> None:
    from kopir.council.demo.agendas import NEXT_MEETING
    from kopir.council.models import (
        AttendanceStatus,
        Ballot,
        BallotChoice,
        CompositionStatus,
        VoteKind,
    )
    from kopir.council.services.agenda import agenda_item_add
    from kopir.council.services.attendance import attendance_record
    from kopir.council.services.votes import vote_open

    council = Council.objects.get(slug=COUNCIL_SLUG)
    secretary = demo.user("secretary")
    # The planned online meeting is under way: everyone joined online, a roll-call vote is open.
    meeting = council.meetings.get(number=NEXT_MEETING["number"])
    # It started half an hour ago: nothing that happens at a meeting is recorded before its start.
    council.meetings.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    meeting.refresh_from_db()
    sitting = meeting.composition or council.compositions.get(status=CompositionStatus.APPROVED)
    seats = sitting.members.all()
    attendance_record(
        actor=secretary,
        meeting=meeting,
        statuses={seat.pk: AttendanceStatus.ONLINE for seat in seats},
    )
    item = meeting.agenda.order_by("order").first() or agenda_item_add(
        actor=secretary, meeting=meeting, title=AGENDA_TITLE, rapporteur=RAPPORTEUR
    )
    vote = vote_open(
        actor=secretary, agenda_item=item, question=VOTE_QUESTION, kind=VoteKind.ROLL_CALL
    )
    member = demo.user("member")
    meeting_path = path_for(
        "council:meeting_detail", "kk", {"slug": council.slug, "pk": meeting.pk}
    )
    vote_path = path_for(
        "council:vote_detail",
        "kk",
        {"slug": council.slug, "pk": meeting.pk, "vote_pk": vote.pk},
    )

    # The member follows the meeting's address from the invitation.
    open_as(
        page, live_server, "member", meeting_path, "the meeting, with an open vote for the member"
    )
    follow_link(page, vote_path, "the open vote, as a member")

    # Sent without a choice first: the error summary takes the focus.
    skip_to_main(page)
    press(page, "main form[aria-labelledby='own-ballot-title'] button[type='submit']")
    assert focus_matches(page, "[data-error-summary]"), f"focus: {focused(page)}"
    assert_no_axe_violations(page, "the member's ballot, refused without a choice")
    assert not Ballot.objects.filter(vote=vote).exists()

    choose_radio(page, "choice", BallotChoice.AGAINST)
    press(page, "main form[aria-labelledby='own-ballot-title'] button[type='submit']")
    arrive(page, vote_path, "the open vote with the member's ballot")
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.choice == BallotChoice.AGAINST
    assert ballot.member.account_id == member.pk
    expect(page.locator("#own-ballot-status")).to_contain_text(kk(BallotChoice.AGAINST.label))
