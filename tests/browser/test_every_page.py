"""Every page of Kopir, in every language, as every demo role: it answers, axe finds nothing, and
it cites none of Kopir's internal notes (users read the law, not our working files).

The pages are read from the URLconf, so a page added by a later issue is covered as soon as its
URL is named. A page whose address needs arguments gets them from PAGE_ARGUMENTS; one missing
there fails the test rather than being skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from kopir.accounts.models import User
from tests.browser.axe import axe_problems, install_axe
from tests.browser.council_pages import (
    COUNCIL_NOT_VISITED,
    COUNCIL_SLUG,
    addressed_evidence,
    addressed_recommendation,
)
from tests.browser.demo import DEMO_PASSWORD, DEMO_ROLES, Demo
from tests.browser.helpers import (
    LANGUAGES,
    fetch,
    needs_arguments,
    path_for,
    show_fetched,
    sign_in,
    visit,
)
from tests.browser.rehabilitation_pages import REHABILITATION_ARGUMENTS
from tests.routes import named_routes

pytestmark = pytest.mark.browser

# Named URLs a browser cannot visit with GET, each with the reason.
NOT_VISITED: dict[str, str] = {
    "accounts:logout": "POST only: the sign-out button submits a form; GET is refused (405).",
    "accounts:backup_codes_regenerate": "POST only: a button on the two-factor page.",
    **COUNCIL_NOT_VISITED,
    "assessment:clinic_send": "POST only: the send button on the clinic's referral page.",
    "assessment:division_accept": "POST only: a button on the division's referral page.",
    "assessment:division_notify": "POST only: a button on the division's referral page.",
    "assessment:appeal_review": "POST only: a button on the appeal page.",
    "notices:resend": "POST only: a button on a notice's page.",
    "notices:mark_read": "POST only: a button per notification (tests/browser/test_notifications.py).",
    "notices:mark_all_read": "POST only: a button on the notifications page.",
    "exchange:message_acknowledge": "POST only: a button on a message's page.",
    "rehabilitation:citizen_measure_answer": "POST only: the buttons on the citizen status page.",
    "rehabilitation:agency_accept": "POST only: a button on the agency's measure page.",
    "oversight:snapshot_cite": "POST only: a form on an agenda item's, a recommendation's or a "
    "letter's page (tests/browser/test_oversight_snapshots.py).",
    "oversight:snapshot_uncite": "POST only: a button beside each figure a record cites.",
}

# A citation of working notes: any Markdown file name, the notes' folder, or a section sign. Data
# (rule sets, reference sources) is where such citations slipped in before, so the check reads the
# rendered page, not the templates.
INTERNAL_CITATION = re.compile(r"\b[\w-]+\.md\b|docs/domain|§")


def page_problems(page: Page, where: str) -> list[str]:
    """What is wrong with the page as rendered: axe's violations and any internal citation."""
    problems = axe_problems(page, where)
    citations = INTERNAL_CITATION.findall(page.content())
    if citations:
        problems.append(f"{where}: cites internal notes: {sorted(set(citations))}")
    return problems


# URL arguments for the pages that need them, taken from the demo records the signed-in user
# should reach (another role then gets the same record and must be refused with 403 or 404).
PageArguments = Callable[[Demo, User], dict[str, Any]]


def _rehabilitation(model: str, key: str, **lookup: Any) -> dict[str, Any]:
    """The id of a rehabilitation demo record (0, which every role is refused, until the demo
    has one)."""
    from django.apps import apps

    records = apps.get_model("rehabilitation", model).objects.filter(**lookup).order_by("pk")
    return {key: records.values_list("pk", flat=True).first() or 0}


def _mse(model: str, **lookup: Any) -> dict[str, Any]:
    """The id of an MSE demo record (demo referrals have stable external ids)."""
    from django.apps import apps

    records = apps.get_model("assessment", model).objects.filter(**lookup).order_by("pk")
    return {"pk": records.values_list("pk", flat=True).first()}


def _first_notice() -> dict[str, Any]:
    """The outbox's first notice (the demo's referral steps write several)."""
    from kopir.notices.models import Notice

    return {"pk": Notice.objects.order_by("pk").values_list("pk", flat=True).first()}


def _draft_attachment() -> dict[str, Any]:
    """A document of the clinic's demo draft referral (oral-polyclinic-1)."""
    from kopir.assessment.models import Attachment

    attachment = (
        Attachment.objects.filter(referral__external_id="demo-p1-01").order_by("pk").first()
    )
    assert attachment is not None, "the MSE demo's draft referral has no document"
    return {"pk": attachment.referral_id, "attachment_pk": attachment.pk}


def _unreleased_attachment() -> dict[str, Any]:
    """A document of an in-absentia demo case the head has not yet released to the experts."""
    from kopir.assessment.models import Attachment

    attachment = (
        Attachment.objects.filter(
            referral__external_id="demo-p3-02", released_to_experts_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    assert attachment is not None, "the MSE demo has no document waiting for release"
    return {"pk": attachment.referral_id, "attachment_pk": attachment.pk}


def _rule() -> dict[str, Any]:
    from kopir.assessment.models import CompletenessRule

    rule = CompletenessRule.objects.order_by("pk").first()
    assert rule is not None, "the MSE demo has no completeness rules"
    return {"pk": rule.rule_set_id, "rule_pk": rule.pk}


def _exchange(model: str, **lookup: Any) -> dict[str, Any]:
    """The exchange's demo records: a demo subscription, its first delivery, the demo message."""
    from django.apps import apps

    pk = (
        apps.get_model("exchange", model)
        .objects.filter(**lookup)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    assert pk is not None, f"the exchange demo has no {model}"
    return {"pk": pk}


def _snapshot(demo: Demo) -> dict[str, Any]:
    """A dashboard snapshot the demo council's secretary saved (one is saved if there is none)."""
    from kopir.oversight.models import Snapshot
    from kopir.oversight.tests.snapshots import save_snapshot

    snapshot = Snapshot.objects.order_by("pk").first() or save_snapshot(demo.user("secretary"))
    return {"pk": snapshot.pk}


def _agency_measure(demo: Demo) -> dict[str, Any]:
    """An open measure held by the demo agency officer's organisation (one is made there if the
    demo has none yet), linked to its person as routing links it."""
    from kopir.people.models import LinkBasis, PersonLink
    from kopir.rehabilitation.models import Measure
    from kopir.rehabilitation.tests.factories import MeasureFactory

    agency = demo.user("agency").organisation
    measure = (
        Measure.objects.filter(organisation=agency, status__in=["assigned", "accepted"])
        .order_by("pk")
        .first()
    )
    if measure is None:
        # Numbers far from the demo's own, which the factories' sequences would repeat.
        measure = MeasureFactory.create(
            organisation=agency,
            line__programme_version__programme__number="IRP-2026-990001",
            line__programme_version__programme__referral__number="MSE-2026-990001",
        )
        PersonLink.objects.get_or_create(
            person=measure.person, organisation=agency, basis=LinkBasis.REHABILITATION
        )
    return {"pk": measure.pk}


PAGE_ARGUMENTS: dict[str, PageArguments] = {
    # The clinic's pages (issue 3), on the demo draft of oral-polyclinic-1.
    "assessment:clinic_detail": lambda demo, user: _mse("Referral", external_id="demo-p1-01"),
    "assessment:clinic_edit": lambda demo, user: _mse("Referral", external_id="demo-p1-01"),
    "assessment:clinic_attachment_add": lambda demo, user: _mse(
        "Referral", external_id="demo-p1-01"
    ),
    "assessment:clinic_attachment_remove": lambda demo, user: _draft_attachment(),
    "assessment:attachment_download": lambda demo, user: _draft_attachment(),
    "assessment:rules_detail": lambda demo, user: _mse("CompletenessRuleSet"),
    "assessment:rules_edit": lambda demo, user: _mse("CompletenessRuleSet"),
    "assessment:rules_activate": lambda demo, user: _mse("CompletenessRuleSet"),
    "assessment:rules_retire": lambda demo, user: _mse("CompletenessRuleSet"),
    "assessment:rules_rule_create": lambda demo, user: _mse("CompletenessRuleSet"),
    "assessment:rules_rule_edit": lambda demo, user: _rule(),
    "assessment:rules_rule_delete": lambda demo, user: _rule(),
    # The MSE division's pages (issue 3), each on a demo referral in the state the page is for.
    "assessment:division_case": lambda demo, user: _mse("Referral", external_id="demo-p1-05"),
    "assessment:division_timeline": lambda demo, user: _mse("Referral", external_id="demo-p1-05"),
    "assessment:division_return": lambda demo, user: _mse("Referral", external_id="demo-p3-01"),
    "assessment:division_assign": lambda demo, user: _mse("Referral", external_id="demo-p3-02"),
    "assessment:division_decide": lambda demo, user: _mse("Referral", external_id="demo-p1-04"),
    "assessment:division_attachment_release": lambda demo, user: _unreleased_attachment(),
    "assessment:division_appeal": lambda demo, user: _mse("Referral", external_id="demo-p5-01"),
    "assessment:expert_review": lambda demo, user: _mse(
        "ExpertAssignment", expert__username="mse", submitted_at__isnull=True
    ),
    "assessment:appeal_detail": lambda demo, user: _mse("Appeal"),
    "assessment:appeal_decide": lambda demo, user: _mse("Appeal"),
    # Intake (issue 3): the demo's bulk upload, and the first notice in the outbox.
    "assessment:bulk_detail": lambda demo, user: _mse("BulkUpload"),
    "notices:notice": lambda demo, user: _first_notice(),
    "directory:organisation_detail": lambda demo, user: {"pk": demo.organisation_for(user).pk},
    "directory:organisation_edit": lambda demo, user: {"pk": demo.organisation_for(user).pk},
    "people:detail": lambda demo, user: {"pk": demo.person_for(user).pk},
    "people:edit": lambda demo, user: {"pk": demo.person_for(user).pk},
    "accounts:user_edit": lambda demo, user: {"pk": demo.user("clinician").pk},
    "accounts:user_reset_two_factor": lambda demo, user: {"pk": demo.user("clinician").pk},
    "accounts:user_unlock": lambda demo, user: {"pk": demo.user("clinician").pk},
    "council:inbox_detail": lambda demo, user: addressed_recommendation(user),
    "council:inbox_evidence": lambda demo, user: addressed_evidence(user),
    **REHABILITATION_ARGUMENTS,
    # Oversight's snapshots (issue 13): the confirmation page of the MSE dashboard, a snapshot.
    "oversight:snapshot_new": lambda demo, user: {"dashboard": "mse"},
    "oversight:snapshot_detail": lambda demo, user: _snapshot(demo),
    # A dashboard table's file, and the council's annual report as a file (the DOCX: no PDF
    # rendered for every role and language).
    "oversight:table_export": lambda demo, user: {
        "dashboard": "mse",
        "table": "clinics",
        "file_format": "csv",
    },
    "oversight:annual_report_file": lambda demo, user: {
        "slug": COUNCIL_SLUG,
        "year": timezone.localdate().year,
        "lang": "kk",
        "kind": "docx",
    },
    # The exchange (issue 9): the demo subscriptions, a delivery, the demo handoff message.
    **{
        f"exchange:subscription_{page}": lambda demo, user: _exchange("Subscription")
        for page in ("detail", "edit", "rotate", "disable", "enable")
    },
    "exchange:delivery_replay": lambda demo, user: _exchange("Delivery"),
    "exchange:message_detail": lambda demo, user: _exchange("Message", kind="demo.handoff"),
    "exchange:message_answer": lambda demo, user: _exchange("Message", kind="demo.handoff"),
    "rehabilitation:programme_timeline": lambda demo, user: _rehabilitation(
        "Programme", "programme_id", division_id=user.organisation_id
    ),
    # Without the status page's code, every visitor is sent back to the status page.
    "rehabilitation:citizen_programme_document": lambda demo, user: {
        **_rehabilitation("Programme", "programme_id"),
        "lang": "kk",
        "extension": "pdf",
    },
    "rehabilitation:quota_band_edit": lambda demo, user: _rehabilitation("QuotaBand", "band_id"),
    "rehabilitation:quota_edit": lambda demo, user: _rehabilitation(
        "EmployerQuota", "quota_id", kept_by_id=user.organisation_id
    ),
    "rehabilitation:placement_edit": lambda demo, user: _rehabilitation(
        "Measure",
        "measure_id",
        organisation_id=user.organisation_id,
        # The seeded catalogue's measure that asks for the employer (JSON containment is not
        # portable to SQLite).
        measure_type__code="quota-job-placement",
    ),
    # The executing organisation's measure, its action forms and its document of delivery (a 404
    # while it has none) (issue 9).
    **{
        f"rehabilitation:agency_{name}": lambda demo, user: _agency_measure(demo)
        for name in ("measure", "schedule", "deliver", "not_delivered", "redirect", "evidence")
    },
}


def page_arguments(name: str, demo: Demo, user: User) -> dict[str, Any] | None:
    if name in PAGE_ARGUMENTS:
        return PAGE_ARGUMENTS[name](demo, user)
    return demo.council_arguments.get(name)


# Statuses a signed-in user may get from a page: 200, or a refusal for a page that is not theirs.
REFUSED = {403, 404}

# Each walk (a role's, the anonymous visitor's) is split into this many tests, group g visiting
# every PAGE_GROUPS-th page from the g-th, each in every language. Together the groups visit every
# page; apart, pytest-xdist can share one walk between its workers, where a whole walk (two to
# three minutes in CI) would keep one worker busy alone while the other ran out of tests.
PAGE_GROUPS = 4


def page_group(pages: list[str], group: int) -> list[str]:
    """The pages test number `group` of a walk visits (every page is in exactly one group)."""
    return pages[group::PAGE_GROUPS]


def pages_to_visit(known_arguments: Iterable[str] = ()) -> list[str]:
    """The named pages to visit; fails when one needs URL arguments nobody has provided."""
    pages = named_routes()
    unmapped = [
        name
        for name in pages
        if name not in NOT_VISITED
        and name not in PAGE_ARGUMENTS
        and name not in known_arguments
        and needs_arguments(name)
    ]
    assert not unmapped, (
        f"These pages need URL arguments the browser tests do not know: {unmapped}. Add each to "
        "PAGE_ARGUMENTS in tests/browser/test_every_page.py (a record the demo creates), or, if it "
        "cannot be visited with GET, to NOT_VISITED with the reason."
    )
    return [name for name in pages if name not in NOT_VISITED]


def describe_outcomes(username: str, outcomes: dict[str, dict[str, str]]) -> str:
    lines = [
        f"Pages as {username} (→ redirected, * not HTML):",
        f"  {'':40} " + " ".join(f"{lang:>5}" for lang in LANGUAGES),
    ]
    for name, by_language in sorted(outcomes.items()):
        cells = " ".join(f"{by_language.get(lang, '-'):>5}" for lang in LANGUAGES)
        lines.append(f"  {name:40} {cells}")
    return "\n".join(lines)


@pytest.mark.parametrize("group", range(PAGE_GROUPS))
@pytest.mark.parametrize("username", list(DEMO_ROLES))
def test_every_page_answers_and_passes_axe_in_every_language_for_each_demo_role(
    page: Page, live_server: Any, demo: Demo, username: str, group: int
) -> None:
    pages = page_group(pages_to_visit(demo.council_arguments), group)
    user = demo.user(username)
    install_axe(page.context)
    sign_in(page, live_server, username, DEMO_PASSWORD)
    offered = page.locator("nav.main-nav a").evaluate_all("els => els.map(e => e.pathname)")

    problems: list[str] = []
    outcomes: dict[str, dict[str, str]] = {}
    status_by_path: dict[str, int] = {}
    checked_paths: set[str] = set()
    checked_refusals: set[tuple[str, int]] = set()
    # A page the role may use is checked in every language; a page it is refused is checked in
    # the first language only (its refusal page is axe-checked once per language, status and
    # group),
    # which keeps the run short as apps add pages most roles may not open.
    for name in pages:
        kwargs = page_arguments(name, demo, user)
        for language in LANGUAGES:
            login_path = path_for("accounts:login", language)
            path = path_for(name, language, kwargs)
            where = f"{name} [{language}] as {username} ({path})"
            # In the first language the page is first asked without rendering: a refusal whose
            # page axe has already checked (in this language, with this status) then costs no
            # render in Chromium. Any other answer is opened in the browser, from the answer the
            # fetch got (tests/browser/helpers.py::show_fetched), not rendered again.
            url = f"{live_server.url}{path}"
            if language != LANGUAGES[0]:
                seen = visit(page, url)
            else:
                fetched = fetch(page, url)
                seen = fetched
                if not (
                    fetched.status in REFUSED and (language, fetched.status) in checked_refusals
                ):
                    seen = show_fetched(page, url, fetched)
            status_by_path[path] = seen.status
            outcomes.setdefault(name, {})[language] = (
                ("" if seen.path == path else "→")
                + str(seen.status)
                + ("" if seen.is_html else "*")
            )

            if seen.status == 200 and seen.path == login_path and name != "accounts:login":
                problems.append(f"{where}: sent to the sign-in page (session lost?)")
                sign_in(page, live_server, username, DEMO_PASSWORD, language)
            elif seen.status == 200:
                # Files (PDF, DOCX) are not web pages: axe has nothing to check there.
                if seen.is_html and seen.path not in checked_paths:
                    checked_paths.add(seen.path)
                    problems.extend(page_problems(page, where))
            elif seen.status in REFUSED:
                if seen.is_html and (language, seen.status) not in checked_refusals:
                    checked_refusals.add((language, seen.status))
                    problems.extend(page_problems(page, where))
                    continue
                break
            elif seen.status == 405:
                problems.append(
                    f"{where}: answers 405 to GET. If it is POST-only, add it to NOT_VISITED in "
                    "tests/browser/test_every_page.py with the reason."
                )
            else:
                problems.append(f"{where}: answered HTTP {seen.status}")

    for name, by_language in outcomes.items():
        if len(by_language) > 1 and len(set(by_language.values())) > 1:
            problems.append(f"{name} as {username} answers differently by language: {by_language}")
    # A menu entry of another group's page is checked by that group's test.
    for path in offered:
        if status_by_path.get(path, 200) != 200:
            problems.append(
                f"{path} is offered to {username} in the navigation but answered "
                f"{status_by_path[path]}"
            )

    print(describe_outcomes(username, outcomes))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("group", range(PAGE_GROUPS))
def test_every_page_is_public_or_sends_an_anonymous_visitor_to_sign_in_in_every_language(
    page: Page, live_server: Any, demo: Demo, group: int
) -> None:
    pages = page_group(pages_to_visit(demo.council_arguments), group)
    # Addresses as the administrator would follow them; an anonymous visitor is refused anyway.
    user = demo.user("admin")
    install_axe(page.context)
    problems: list[str] = []
    outcomes: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        login_path = path_for("accounts:login", language)
        for name in pages:
            kwargs = page_arguments(name, demo, user)
            path = path_for(name, language, kwargs)
            where = f"{name} [{language}] as an anonymous visitor ({path})"
            # Most pages send the visitor to the sign-in page: asked without rendering, and only
            # a public page is then opened in the browser for axe.
            seen = fetch(page, f"{live_server.url}{path}")
            asked_to_sign_in = seen.path == login_path and name != "accounts:login"
            outcomes.setdefault(name, {})[language] = (
                "login" if asked_to_sign_in else f"{seen.status}{'' if seen.is_html else '*'}"
            )
            if seen.status == 200 and not asked_to_sign_in and seen.is_html:
                # A public page (the sign-in page itself is checked with its errors elsewhere).
                if name != "accounts:login":
                    shown = visit(page, f"{live_server.url}{path}")
                    assert (shown.status, shown.path) == (seen.status, seen.path), where
                    problems.extend(page_problems(page, where))
            elif seen.status not in {200, *REFUSED}:
                problems.append(f"{where}: answered HTTP {seen.status}")

    print(describe_outcomes("an anonymous visitor", outcomes))
    assert not problems, "\n".join(problems)
