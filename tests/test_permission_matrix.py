"""Who may open what: every route × every role, as a table that a new route must join.

The routes are read from the URLconf (every named pattern under the language prefix, asked in
Kazakh) and the OpenAPI document (every operation); the askers are one account per role in a
fitting organisation, the same role in another organisation (`<role>@other`), a council member
without a seat (`unseated`) and an anonymous visitor (`anon`), see tests/matrix_world.py.

For each route and asker the test sends one request (a GET; a POST with empty data on a
POST-only route) and compares the answer with EXPECTED: "200", "302", "login" (sent to the
sign-in page), "403", "404", or "ok" for a POST-only route whose POST is accepted (any answer
that is not a refusal). Where a GET is refused, a POST is refused too (one asker per kind of
refusal, an outsider first: nothing a page hides may be done by posting to it), and every
route refuses a POST without a CSRF token. An outsider is asked only where a route opens one
record: a list without URL arguments shows each organisation its own rows.

The expectations below were read from the code's access rules, then checked by this test; a
change in who gets in is a change to this table, reviewed like any access rule.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.matrix_world import *  # noqa: F403  (the apps' fixtures the world is built from)
from tests.matrix_world import WHO, World
from tests.routes import named_routes

LANGUAGE = "kk"
LOGIN_PATH = "/kk/accounts/login/"
REFUSALS = {"login", "403", "404"}


def outcome(response: Any) -> str:
    """The answer as the table writes it."""
    if response.status_code in {301, 302}:
        location = response.headers.get("Location", "")
        return "login" if location.split("?")[0] == LOGIN_PATH else "302"
    return str(response.status_code)


def clients(world: World, **options: Any) -> dict[str, Client]:
    signed: dict[str, Client] = {}
    for who in WHO:
        client = Client(**options)
        user = world.users[who]
        if user is not None:
            client.force_login(user)
        signed[who] = client
    return signed


def path_of(name: str, world: World) -> str:
    with translation.override(LANGUAGE):
        return reverse(name, kwargs=world.arguments.get(name))


# --- The expectations ---------------------------------------------------------------------------
# A rule names who gets in ("200", or "ok" on a POST-only route); everyone else signed in is
# refused with `others`, an anonymous visitor is sent to sign in, and `also` sets single cells.
Row = dict[str, str]


def rule(*allowed: str, got: str = "200", others: str = "403", **also: str) -> Row:
    row = dict.fromkeys(WHO, others)
    row["anon"] = "login"
    row.update(dict.fromkeys(allowed, got))
    row.update({who.replace("_at_", "@"): value for who, value in also.items()})
    return row


EVERYONE = rule(*WHO)
SIGNED_IN = rule(*WHO[:-1])
NOBODY = rule()  # nobody signed in passes (the role check runs first)
ADMIN = rule("admin", "admin@other")
# The clinic's own records: a clinician of another clinic is told they do not exist.
CLINIC = rule("clinician", clinician_at_other="404")
CLINIC_PAGE = rule("clinician", "clinician@other")
# The MSE division's case pages: another division's staff get 404, other roles 403.
DIVISION_CASE = rule("expert", "head", expert_at_other="404", head_at_other="404")
HEAD_CASE = rule("head", expert_at_other="404", head_at_other="404")
DIVISION_PAGE = rule("expert", "head", "expert@other", "head@other")
APPEAL = rule(expert="404", head="404", expert_at_other="404", head_at_other="404")
# The council's pages: its secretary and its seated members; a secretary or a member of another
# council and a member without a seat are refused like any other role.
COUNCIL = rule("secretary", "member")
SECRETARY = rule("secretary")
# A council member's account reads no organisation's messages (kopir/exchange/access.py).
NO_MESSAGES = ("member", "member@other", "unseated")
MESSAGES_REFUSED = dict.fromkeys(("member", "member_at_other", "unseated"), "403")
# What only the recipient organisation does with a message: acknowledge it, answer it.
MESSAGE_RECIPIENT = rule(
    "agency",
    others="404",
    admin="403",
    admin_at_other="403",
    secretary="403",
    **MESSAGES_REFUSED,
)
# The oversight dashboards: aggregates only, so every council secretary and seated member,
# administrators and MSE heads, in any organisation. A member's role without a seat in force
# reads none: the dashboards are the council's (kopir/oversight/access.py).
DASHBOARDS = rule(
    *(
        f"{who}{where}"
        for who in ("admin", "head", "secretary", "member")
        for where in ("", "@other")
    ),
)
# Pages that send a signed-in visitor on (the sign-in page, the second factor already passed).
ON_FOR_SIGNED_IN = rule(*WHO[:-1], got="302", anon="200")

# POST-only routes: a GET answers 405 to everyone signed in; the rule is for the POST.
POST_ONLY_ROUTES = {
    "accounts:logout",
    "accounts:backup_codes_regenerate",
    "assessment:appeal_review",
    "assessment:clinic_send",
    "assessment:division_accept",
    "assessment:division_notify",
    "notices:resend",
    "notices:mark_read",
    "notices:mark_all_read",
    "exchange:message_acknowledge",
    "rehabilitation:citizen_measure_answer",
    "rehabilitation:agency_accept",
    "oversight:snapshot_cite",
    "oversight:snapshot_uncite",
    *(
        f"council:{name}"
        for name in (
            "agenda_item_delete",
            "agenda_item_move",
            "composition_delete",
            "composition_new",
            "decision_new",
            "guest_delete",
            "guest_new",
            "material_new",
            "meeting_held",
            "member_delete",
            "minutes_assemble",
            "minutes_sign",
            "official_delete",
            "official_new",
            "petition_agenda",
            "petition_answer",
            "petition_publication",
            "plan_item_delete",
            "recommendation_send",
            "inbox_acknowledge",
            "speech_new",
            "visit_checklist_add",
            "visit_checklist_template",
            "visit_finding_add",
            "visit_finding_recommend",
            "vote_ballots",
            "vote_close",
            "vote_annul",
            "vote_new",
            "vote_own_ballot",
            "vote_totals",
        )
    ),
}


def posts(base: Row) -> Row:
    """A POST-only route's rule: who may post gets "ok" instead of "200"."""
    return {who: "ok" if value == "200" else value for who, value in base.items()}


EXPECTED: dict[str, Row] = {
    # Visitors get the front door, a signed-in user their home page.
    "core:home": EVERYONE,
    "core:accessibility": EVERYONE,
    # The staff search: the roles that search a kind of record (MSE referrals, the councils);
    # what each finds is its own (the apps' tests), the administrator and the agency none.
    "core:search": rule(
        *(
            who
            for who in WHO[:-1]
            if who.split("@")[0] in {"clinician", "expert", "head", "secretary", "member"}
        ),
        "unseated",
    ),
    # Accounts: everyone's own; the administrators' account pages.
    "accounts:login": ON_FOR_SIGNED_IN,
    "accounts:logout": rule(*WHO, got="login"),  # signs out, then shows the sign-in page
    "accounts:verify": rule(*WHO[:-1], got="302"),
    "accounts:two_factor_setup": SIGNED_IN,
    "accounts:backup_codes_regenerate": posts(SIGNED_IN),
    "accounts:profile": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "accounts:user_list": ADMIN,
    "accounts:user_create": ADMIN,
    "accounts:user_edit": ADMIN,
    "accounts:user_reset_two_factor": ADMIN,
    "accounts:user_unlock": ADMIN,
    "audit:search": ADMIN,
    # The directory is open to staff; only administrators change it.
    "directory:territory_list": SIGNED_IN,
    "directory:organisation_list": SIGNED_IN,
    "directory:organisation_detail": SIGNED_IN,
    "directory:organisation_create": ADMIN,
    "directory:organisation_edit": ADMIN,
    # Persons: reached through an organisation's link (the clinic's here); never by the council.
    "people:search": rule(
        "clinician",
        "expert",
        "head",
        "agency",
        *(f"{w}@other" for w in ("clinician", "expert", "head", "agency")),
    ),
    # An MSE specialist registers and edits nobody: a person they registered they could not open.
    "people:create": rule("clinician", "head", "clinician@other", "head@other"),
    "people:detail": rule(
        "clinician",
        **dict.fromkeys(
            (
                "expert",
                "head",
                "agency",
                "clinician_at_other",
                "expert_at_other",
                "head_at_other",
                "agency_at_other",
            ),
            "404",
        ),
    ),
    "people:edit": rule(
        "clinician", **dict.fromkeys(("head", "clinician_at_other", "head_at_other"), "404")
    ),
    # The outbox: everyone's own correspondence; this notice is the council's to the agency.
    "notices:outbox": SIGNED_IN,
    "notices:notice": rule("admin", "admin@other", "agency", "secretary", others="404"),
    # Only an administrator sends a notice again.
    "notices:resend": posts(
        rule("admin", "admin@other", others="404", agency="403", secretary="403")
    ),
    # Notifications: each person's own; this one is the agency officer's, others are told 404.
    "notices:mine": SIGNED_IN,
    "notices:preferences": SIGNED_IN,
    "notices:mark_all_read": posts(SIGNED_IN),
    "notices:mark_read": posts(rule("agency", others="404")),
    # The exchange: webhook subscriptions are the administrators' (kopir/exchange/access.py).
    **dict.fromkeys(
        (
            "exchange:subscription_list",
            "exchange:subscription_create",
            "exchange:subscription_detail",
            "exchange:subscription_edit",
            "exchange:subscription_rotate",
            "exchange:subscription_disable",
            "exchange:subscription_enable",
            "exchange:dead_letters",
            "exchange:delivery_replay",
            "exchange:demo_receiver",
        ),
        ADMIN,
    ),
    # Tracked messages: every organisation's staff but council members, each their own; this one
    # is the council's to the agency, which alone acknowledges and answers it.
    "exchange:message_list": rule(*(w for w in WHO[:-1] if w not in NO_MESSAGES)),
    "exchange:message_detail": rule(
        "admin", "admin@other", "agency", "secretary", others="404", **MESSAGES_REFUSED
    ),
    "exchange:message_acknowledge": posts(MESSAGE_RECIPIENT),
    "exchange:message_answer": MESSAGE_RECIPIENT,
    # MSE: the clinic's referrals and intake.
    "assessment:clinic_list": CLINIC_PAGE,
    "assessment:clinic_create": CLINIC_PAGE,
    "assessment:clinic_detail": CLINIC,
    "assessment:clinic_edit": CLINIC,
    "assessment:clinic_send": posts(CLINIC),
    "assessment:clinic_attachment_add": CLINIC,
    "assessment:clinic_attachment_remove": CLINIC,
    "assessment:bulk_upload": CLINIC_PAGE,
    "assessment:bulk_template": CLINIC_PAGE,
    "assessment:bulk_detail": CLINIC,
    # A draft's document: the division sees nothing of a referral not yet sent.
    "assessment:attachment_download": rule(
        "clinician",
        clinician_at_other="404",
        expert="404",
        head="404",
        expert_at_other="404",
        head_at_other="404",
    ),
    # MSE: the division's work (the head alone assigns and decides) and the experts' reviews.
    "assessment:division_queue": DIVISION_PAGE,
    "assessment:division_queue_export": DIVISION_PAGE,
    "assessment:division_case": DIVISION_CASE,
    "assessment:division_timeline": DIVISION_CASE,
    "assessment:division_accept": posts(DIVISION_CASE),
    "assessment:division_return": DIVISION_CASE,
    "assessment:division_assign": HEAD_CASE,
    "assessment:division_decide": HEAD_CASE,
    "assessment:division_notify": posts(DIVISION_CASE),
    "assessment:division_attachment_release": HEAD_CASE,
    "assessment:division_appeal": DIVISION_CASE,
    "assessment:expert_worklist": rule("expert", "expert@other"),
    "assessment:expert_review": rule("expert", expert_at_other="404"),
    # Appeals are reviewed by the higher MSE body (the department): none of the askers.
    "assessment:appeal_list": NOBODY,
    "assessment:appeal_detail": APPEAL,
    "assessment:appeal_review": posts(APPEAL),
    "assessment:appeal_decide": APPEAL,
    # The completeness rules are the administrators'; an active rule set sends editors back.
    "assessment:rules_list": ADMIN,
    "assessment:rules_create": ADMIN,
    "assessment:rules_detail": ADMIN,
    "assessment:rules_edit": rule("admin", "admin@other", got="302"),
    "assessment:rules_activate": ADMIN,
    "assessment:rules_retire": ADMIN,
    "assessment:rules_rule_create": rule("admin", "admin@other", got="302"),
    "assessment:rules_rule_edit": rule("admin", "admin@other", got="302"),
    "assessment:rules_rule_delete": ADMIN,
    # Rehabilitation: the catalogue and routing rules are the administrators'; a programme is the
    # MSE division's that issued it (another division: 404; the agency sees measures, not it).
    **{
        f"rehabilitation:{name}": ADMIN
        for name in (
            "catalogue_list",
            "catalogue_create",
            "catalogue_detail",
            "catalogue_edit",
            "catalogue_activate",
            "catalogue_retire",
            "measure_create",
            "measure_edit",
            "measure_delete",
            "suggestion_list",
            "suggestion_create",
            "suggestion_edit",
            "suggestion_delete",
            "routing_list",
            "routing_create",
            "routing_edit",
            "routing_delete",
        )
    },
    "rehabilitation:programme_list": DIVISION_PAGE,
    # The programme's documents name the person: the head's (the case is in absentia).
    "rehabilitation:programme_document": HEAD_CASE,
    **{
        f"rehabilitation:{name}": DIVISION_CASE
        for name in (
            "programme_detail",
            "programme_version",
            "programme_line_create",
            "programme_line_edit",
            "programme_line_delete",
            "programme_approve",
        )
    },
    # The citizen's status pages are public; without a code in the session they start over.
    "assessment:citizen_status": EVERYONE,
    "assessment:citizen_code": rule(*WHO, got="302"),
    "assessment:citizen_result": rule(*WHO, got="302"),
    # The council: the public page and the petition form are open to all; drafts never are.
    "council:public_council": EVERYONE,
    "council:public_council_list": EVERYONE,
    "council:public_meeting_list": EVERYONE,
    "council:public_recommendation_list": EVERYONE,
    "council:public_letter_list": EVERYONE,
    "council:public_visit_list": EVERYONE,
    "council:public_petition_list": EVERYONE,
    "council:public_minutes": rule(others="404", anon="404"),  # unsigned minutes stay inside
    "council:public_minutes_docx": rule(others="404", anon="404"),
    "council:public_minutes_pdf": rule(others="404", anon="404"),
    "council:petition_new": EVERYONE,
    "council:invitation_reply": EVERYONE,  # the invitee's personal link: no sign-in
    "council:petition_submitted": rule(*WHO, got="302"),
    "council:council_list": SIGNED_IN,
    "oversight:index": DASHBOARDS,
    "oversight:mse": DASHBOARDS,
    "oversight:rehabilitation": DASHBOARDS,
    "oversight:snapshot_list": DASHBOARDS,
    "oversight:snapshot_detail": DASHBOARDS,
    # Saving a snapshot: the council's secretaries and seated members, in any council.
    "oversight:snapshot_new": rule("secretary", "secretary@other", "member", "member@other"),
    # Citing one in a record, or removing it: that council's secretary only.
    "oversight:snapshot_cite": posts(SECRETARY),
    "oversight:snapshot_uncite": posts(SECRETARY),
    "oversight:employment": DASHBOARDS,
    "oversight:council": DASHBOARDS,
    "oversight:table_export": DASHBOARDS,
    # The annual report: each council's secretary and seated members, their own council's.
    "oversight:annual_report": rule("secretary", "secretary@other", "member", "member@other"),
    "oversight:annual_report_file": COUNCIL,
    # The council's inside: its secretary and seated members read, the secretary writes.
    **dict.fromkeys(
        [
            f"council:{name}"
            for name in (
                "council_detail",
                "composition_list",
                "composition_detail",
                "plan_list",
                "plan_detail",
                "meeting_list",
                "meeting_detail",
                "agenda_item_detail",
                "vote_detail",
                "material_download",
                "meeting_quorum",
                "petition_list",
                "petition_detail",
                "minutes_detail",
                "minutes_versions",
                "minutes_version",
                "minutes_docx",
                "minutes_pdf",
                "recommendation_list",
                "recommendation_detail",
                "response_evidence",
                "visit_list",
                "visit_detail",
                "visit_document",
                "radar",
                "letter_list",
                "letter_detail",
                "letter_file",
                "letter_reply_file",
                "accommodation_new",
                "dossier_list",
                "dossier_detail",
                "dossier_docx",
                "dossier_pdf",
            )
        ],
        COUNCIL,
    ),
    **dict.fromkeys(
        [
            f"council:{name}"
            for name in (
                "member_new",
                "member_edit",
                "plan_new",
                "plan_item_new",
                "plan_item_edit",
                "plan_item_status",
                "meeting_new",
                "meeting_edit",
                "meeting_cancel",
                "meeting_invitations",
                "meeting_texts",
                "meeting_attendance",
                "agenda_item_new",
                "agenda_item_edit",
                "accommodation_list",
                "accommodation_resolve",
                "petition_create",
                "minutes_edit",
                "recommendation_create",
                "response_review",
                "visit_create",
                "visit_edit",
                "visit_checklist",
                "visit_document_add",
                "letter_create",
                "letter_reply_add",
                "dossier_create",
                "dossier_edit",
                "dossier_add",
                "dossier_record_remove",
                "radar_gather",
            )
        ],
        SECRETARY,
    ),
    "council:recommendation_edit": rule("secretary", got="302"),  # sent: no longer editable
    **{
        name: posts(SECRETARY)
        for name in POST_ONLY_ROUTES
        if name.startswith("council:") and not name.startswith("council:inbox")
    },
    "council:vote_own_ballot": posts(rule("member")),
    # Only the council's chair annuls a vote; none of the askers chairs the council.
    "council:vote_annul": posts(NOBODY),
    "council:minutes_sign": posts(SECRETARY),  # and the chair; a member may not sign
    # The agency answers the recommendations addressed to it, and sees no other's.
    "council:inbox": rule("agency", "agency@other"),
    "council:inbox_detail": rule("agency", agency_at_other="404"),
    "council:inbox_evidence": rule("agency", agency_at_other="404"),
    "council:inbox_acknowledge": posts(rule("agency", agency_at_other="404")),
    # Rehabilitation: the division that issued the programme reads its timeline; the agency
    # keeps its territory's quota register (another kind of agency is refused) and records the
    # placement of a job-placement measure it holds; the citizen's answer and programme document
    # need the status page's code, which nobody here has, so everyone is sent back to it.
    "rehabilitation:programme_timeline": DIVISION_CASE,
    "rehabilitation:citizen_measure_answer": rule(*WHO, got="302"),
    "rehabilitation:citizen_programme_document": rule(*WHO, got="302"),
    "rehabilitation:quota_list": rule("agency"),
    "rehabilitation:quota_create": rule("agency"),
    "rehabilitation:quota_edit": rule("agency"),
    "rehabilitation:placement_edit": rule("agency", agency_at_other="404"),
    "rehabilitation:quota_bands": ADMIN,
    "rehabilitation:quota_band_edit": ADMIN,
    # Rehabilitation: an executing organisation works the measures it holds; another agency is
    # told they do not exist, every other role is refused (a council member sees no person).
    "rehabilitation:agency_work_list": rule("agency", "agency@other"),
    "rehabilitation:agency_export_csv": rule("agency", "agency@other"),
    "rehabilitation:agency_export_xlsx": rule("agency", "agency@other"),
    "rehabilitation:agency_measure": rule("agency", agency_at_other="404"),
    # The measure of the matrix has no document attached: its holder is told there is none.
    "rehabilitation:agency_evidence": rule("agency", got="404", agency_at_other="404"),
    "rehabilitation:agency_accept": posts(rule("agency", agency_at_other="404")),
    "rehabilitation:agency_schedule": rule("agency", agency_at_other="404"),
    "rehabilitation:agency_deliver": rule("agency", agency_at_other="404"),
    "rehabilitation:agency_not_delivered": rule("agency", agency_at_other="404"),
    "rehabilitation:agency_redirect": rule("agency", agency_at_other="404"),
}


# Lists without URL arguments show each organisation its own rows: an outsider's answer is their
# role's by construction, so they are asked only where a route opens one record.
def test_every_route_has_an_expected_outcome_for_everyone() -> None:
    routes = named_routes()
    missing = [name for name in routes if name not in EXPECTED]
    assert not missing, (
        f"New routes without an entry: {missing}. Add each to EXPECTED in "
        "tests/test_permission_matrix.py (who may open it), its URL arguments to build_world in "
        "tests/matrix_world.py, and, if it answers POST only, its name to POST_ONLY_ROUTES."
    )
    stale = sorted(set(EXPECTED) - set(routes))
    assert not stale, f"EXPECTED names routes that no longer exist: {stale}"
    for name, row in EXPECTED.items():
        assert set(row) == set(WHO), f"{name}: the row must name exactly {WHO}"


def _accepted(observed: str) -> bool:
    return observed not in {*REFUSALS, "405"}


def _matches(expected: str, observed: str) -> bool:
    return _accepted(observed) if expected == "ok" else expected == observed


def _refused_post_askers(row: Row) -> list[str]:
    """One asker per refusal in the row, an outsider of a role that gets in first: a view that
    checks access on GET only fails for any of them, so one each keeps the run short."""
    chosen: dict[str, str] = {}
    for who in sorted(WHO, key=lambda who: not who.endswith("@other")):
        if row[who] in REFUSALS:
            chosen.setdefault(row[who], who)
    return list(chosen.values())


def test_every_route_answers_every_asker_as_the_table_says(world: World) -> None:
    routes = named_routes()
    by_who = clients(world)
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(world.users["secretary"])  # type: ignore[arg-type]
    problems: list[str] = []
    asked = 0
    # Accepted POSTs are sent last (they may change records), signing out the very last.
    later: list[tuple[str, str, str]] = []
    for name in routes:
        path = path_of(name, world)
        row = EXPECTED[name]
        # Without a CSRF token every POST is refused, whoever sends it.
        answer = outcome(csrf_checked.post(path))
        asked += 1
        if answer != "403":
            problems.append(f"{name}: a POST without a CSRF token answered {answer}, not 403")
        if name in POST_ONLY_ROUTES:
            answer = outcome(by_who["admin"].get(path))
            asked += 1
            if answer != "405":
                problems.append(f"{name}: GET answered {answer}, not 405 (POST only?)")
        else:
            for who in _refused_post_askers(row):
                # What a page refuses to show, a POST to it must refuse too.
                answer = outcome(by_who[who].post(path))
                asked += 1
                if answer not in {row[who], "405"}:
                    problems.append(f"{name}: POST as {who} answered {answer}, its GET {row[who]}")
        for who in WHO:
            if who.endswith("@other") and name not in world.arguments:
                continue
            if name in POST_ONLY_ROUTES:
                if row[who] == "ok" or name == "accounts:logout":
                    later.append((name, path, who))
                    continue
                answer = outcome(by_who[who].post(path))
            else:
                answer = outcome(by_who[who].get(path))
            asked += 1
            if not _matches(row[who], answer):
                problems.append(f"{name}: as {who} expected {row[who]}, got {answer}")
    last = ("council:composition_delete", "accounts:logout")  # they end what others use
    for name, path, who in sorted(
        later, key=lambda entry: last.index(entry[0]) + 1 if entry[0] in last else 0
    ):
        answer = outcome(by_who[who].post(path))
        asked += 1
        if not _matches(EXPECTED[name][who], answer):
            problems.append(f"{name}: POST as {who} expected {EXPECTED[name][who]}, got {answer}")
    print(f"\n{len(routes)} routes × {len(WHO)} askers: {asked} requests")
    assert not problems, "\n".join(problems)


# --- The API: every operation of the OpenAPI document × every kind of caller ---------------------
# "insider": the clinic's own external system; "outsider": another clinic's system; "session": a
# signed-in clinician without a token (the API takes bearer tokens only, so no CSRF is needed);
# "none": no credentials at all. A POST carries an empty JSON object.
API_CALLERS = ("insider", "outsider", "session", "none")
EXPECTED_API: dict[str, dict[str, int]] = {
    "POST /api/referrals": {"insider": 422, "outsider": 422, "session": 401, "none": 401},
    "POST /api/referrals/batch": {"insider": 422, "outsider": 422, "session": 401, "none": 401},
    # Another clinic's referral is "not found", never "forbidden": its existence is not told.
    "GET /api/referrals/{number}": {"insider": 200, "outsider": 404, "session": 401, "none": 401},
    "POST /api/fhir/Bundle": {"insider": 422, "outsider": 422, "session": 401, "none": 401},
    # What the FHIR endpoint reads is public: it holds no personal data.
    "GET /api/fhir/metadata": {"insider": 200, "outsider": 200, "session": 200, "none": 200},
    "GET /api/fhir/StructureDefinition/{profile_id}": {
        "insider": 200,
        "outsider": 200,
        "session": 200,
        "none": 200,
    },
    # Measures: asked with the agencies' systems' tokens. Another agency lists only its own (none
    # here); a body without a version is refused before any measure is looked at.
    "GET /api/measures": {"insider": 200, "outsider": 200, "session": 401, "none": 401},
    **{
        f"POST /api/measures/{{measure_id}}/{action}": {
            "insider": 422,
            "outsider": 422,
            "session": 401,
            "none": 401,
        }
        for action in ("accept", "schedule", "delivered", "not-delivered")
    },
    # The same measures as FHIR Task, with the agencies' tokens: another agency's is not found, and
    # its search finds none of them. A report without If-Match is refused before its body is read.
    "GET /api/fhir/Task": {"insider": 200, "outsider": 200, "session": 401, "none": 401},
    "GET /api/fhir/Task/{task_id}": {"insider": 200, "outsider": 404, "session": 401, "none": 401},
    "POST /api/fhir/Task/{task_id}/$report": {
        "insider": 428,
        "outsider": 404,
        "session": 401,
        "none": 401,
    },
    # Kopir's code systems and the definition of $report are public, as the profiles are.
    **{
        f"GET /api/fhir/{path}": {"insider": 200, "outsider": 200, "session": 200, "none": 200}
        for path in ("CodeSystem/{code_system_id}", "OperationDefinition/{operation_id}")
    },
}


def api_operations(client: Client) -> list[str]:
    document = client.get("/api/openapi.json").json()
    return sorted(
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    )


def test_every_api_operation_answers_every_caller_as_the_table_says(
    world: World, token: str, other_token: str, agency_tokens: tuple[str, str], client: Client
) -> None:
    operations = api_operations(client)
    missing = [operation for operation in operations if operation not in EXPECTED_API]
    assert not missing, (
        f"New API operations without an entry: {missing}. Add each to EXPECTED_API in "
        "tests/test_permission_matrix.py."
    )
    signed_in = Client()
    signed_in.force_login(world.users["clinician"])  # type: ignore[arg-type]
    headers: dict[str, dict[str, Any]] = {
        "insider": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
        "outsider": {"HTTP_AUTHORIZATION": f"Bearer {other_token}"},
        "session": {},
        "none": {},
    }
    # The measure API is for agencies' systems: their tokens are the insider's and outsider's.
    agency_headers = {
        **headers,
        "insider": {"HTTP_AUTHORIZATION": f"Bearer {agency_tokens[0]}"},
        "outsider": {"HTTP_AUTHORIZATION": f"Bearer {agency_tokens[1]}"},
    }
    problems: list[str] = []
    for operation in operations:
        method, template = operation.split(" ", 1)
        path = (
            template.replace("{number}", world.api_referral_number)
            .replace("{profile_id}", "kopir-referral-bundle")
            .replace("{measure_id}", str(world.api_measure_id))
            .replace("{task_id}", str(world.api_measure_id))
            .replace("{code_system_id}", "kopir-measure-not-delivered-reason")
            .replace("{operation_id}", "kopir-task-report")
        )
        by_caller = (
            agency_headers if template.startswith(("/api/measures", "/api/fhir/Task")) else headers
        )
        for caller in API_CALLERS:
            asker = signed_in if caller == "session" else Client()
            if method == "GET":
                response = asker.get(path, **by_caller[caller])
            else:
                response = asker.post(
                    path,
                    data="{}",
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=f"matrix-{caller}-{operation}",
                    **by_caller[caller],
                )
            if response.status_code != EXPECTED_API[operation][caller]:
                problems.append(
                    f"{operation} as {caller}: expected {EXPECTED_API[operation][caller]}, "
                    f"got {response.status_code}"
                )
    assert not problems, "\n".join(problems)
