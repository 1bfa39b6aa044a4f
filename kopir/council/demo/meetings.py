"""The seed's council recreated, meetings side: the council formed by merging two councils, its
former and new compositions, the 2026 work plan, the earlier meetings (offsite in Terekti, online
with Karatobe) and the meeting "at the regional branch" with its agenda, officials' answers,
unanimous roll-call votes and decisions, the Society of the Blind's petition, and the next
meeting with two accommodation requests.

Runs after the directory and accounts demos (organisations by `code`, accounts by username).
Idempotent: every record is keyed on stable fields (council slug, composition and meeting numbers,
the plan's year, the petition's subject), so a second run finds everything and writes nothing.
What happened at a meeting goes through the same services as the pages (attendance, ballots,
closing the votes, which puts the plan and the new composition into force); only what predates
Kopir (the composition formed at the merger) and the historical times are written directly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited
from kopir.council.demo import agendas as agenda_data
from kopir.council.demo import held_meetings as held
from kopir.council.demo import meetings_data as data
from kopir.council.demo.organisations import sync_organisation
from kopir.council.demo.texts_ru import russian
from kopir.council.models import (
    Composition,
    CompositionStatus,
    Council,
    LegalBasis,
    Member,
    Petition,
    PetitionerKind,
    RecommendationRuleSet,
    Vote,
    WorkPlanItem,
)
from kopir.council.services import composition, petitions, plan
from kopir.council.services.councils import council_create, council_merge
from kopir.directory.models import Organisation, OrganisationKind, Territory

COMMAND = AuditChannel.COMMAND
REGION_KATO = "270000000"
COUNCIL_SLUG = data.COUNCIL_SLUG
SEED_MEETING_NUMBER = data.SEED_MEETING_NUMBER


def plan_item_for(key: str) -> WorkPlanItem | None:
    """The demo plan's item by its key ("schools", "hearing-school", "terekti", ...).

    For other demos: the follow-up demo links its monitoring visits to the plan through this.
    """
    entry = next((entry for entry in data.PLAN if entry.key == key), None)
    if entry is None:
        return None
    return WorkPlanItem.objects.filter(
        plan__council__slug=COUNCIL_SLUG, plan__year=2026, topic=entry.topic
    ).first()


def _organisations() -> dict[str, Organisation]:
    codes = {"wko-public-council", "kos-wko", "wko-school-hearing-impaired"}
    codes |= {body for entry in data.PLAN for body in entry.bodies}
    codes |= {official.organisation for official in data.OFFICIALS.values()}
    codes |= {code for _name, code in data.SEED_GUESTS}
    found = Organisation.objects.in_bulk(codes, field_name="code")
    missing = sorted(codes - found.keys())
    if missing:
        raise LookupError("Load the directory demo first; missing: " + ", ".join(missing))
    return found


def _account(username: str | None) -> User | None:
    """A demo account to link to a seat: only one a seat may have (`SEAT_ACCOUNT_ROLES`)."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    return user if user is not None and user.has_role(*composition.SEAT_ACCOUNT_ROLES) else None


def _seat_fields(seat: data.Seat, orgs: dict[str, Organisation]) -> dict[str, Any]:
    """A demo seat as a member's fields: the person, their position and affiliation, the account."""
    return {
        "full_name": seat.full_name,
        "position": seat.position,
        "affiliation": orgs.get(seat.affiliation) if seat.affiliation else None,
        "affiliation_text": seat.affiliation_text,
        "affiliation_text_ru": russian(seat.affiliation_text),
        "account": _account(seat.account),
    }


def _rule_sets(done: Counter[str]) -> dict[str, RecommendationRuleSet]:
    result = {}
    for code, values in data.RULE_SETS.items():
        rules = RecommendationRuleSet.objects.filter(code=code).first()
        if rules is None:
            rules = RecommendationRuleSet.objects.create(code=code, **values)
            done["rule sets"] += 1
        elif any(getattr(rules, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(rules, name, value)
            rules.save()
        result[code] = rules
    return result


def _council(
    orgs: dict[str, Organisation], rules: RecommendationRuleSet, done: Counter[str]
) -> Council:
    region = Territory.objects.get(kato=REGION_KATO)
    council = Council.objects.filter(slug=COUNCIL_SLUG).first()
    if council is None:
        council = council_create(
            actor=None,
            organisation=orgs["wko-public-council"],
            slug=COUNCIL_SLUG,
            legal_basis=LegalBasis.PARTY_COUNCIL,
            legal_basis_note=data.LEGAL_BASIS_NOTE,
            territory=region,
            rule_set=rules,
            established_on=data.ESTABLISHED,
            channel=COMMAND,
        )
        done["councils"] += 1
    predecessors = []
    for spec in data.PREDECESSORS:
        organisation = sync_organisation(
            spec["code"],
            spec["names"],
            spec["short_names"],
            OrganisationKind.PUBLIC_COUNCIL,
            region,
            is_active=False,
        )
        earlier = Council.objects.filter(slug=spec["slug"]).first()
        if earlier is None:
            earlier = council_create(
                actor=None,
                organisation=organisation,
                slug=spec["slug"],
                legal_basis=LegalBasis.PARTY_COUNCIL,
                territory=region,
                rule_set=rules,
                established_on=dt.date(2021, 3, 1),
                channel=COMMAND,
            )
            done["councils"] += 1
        predecessors.append(earlier)
    council_merge(actor=None, into=council, sources=predecessors, channel=COMMAND)
    return council


def _former_composition(
    council: Council, orgs: dict[str, Organisation], done: Counter[str]
) -> dict[str, Member]:
    """The composition formed at the merger, before Kopir kept the council's records."""
    former = council.compositions.filter(number=1).first()
    if former is None:
        former = Composition.objects.create(
            council=council,
            number=1,
            status=CompositionStatus.APPROVED,
            proposed_on=data.ESTABLISHED,
            effective_from=data.ESTABLISHED,
        )
        for order, seat in enumerate(data.FORMER_SEATS):
            Member.objects.create(
                composition=former,
                term_start=data.ESTABLISHED,
                order=order,
                **_seat_fields(seat, orgs),
            )
        audited(former, AuditAction.CREATE, actor=None, channel=COMMAND, detail="imported")
        done["compositions"] += 1
    by_name = {member.full_name: member for member in former.members.all()}
    return {seat.key: by_name[seat.full_name] for seat in data.FORMER_SEATS}


def _plan(
    council: Council, seats: dict[str, Member], orgs: dict[str, Organisation], done: Counter[str]
) -> dict[str, WorkPlanItem]:
    work_plan = council.plans.filter(year=2026).first()
    if work_plan is None:
        work_plan = plan.plan_create(
            actor=None,
            council=council,
            year=2026,
            title=data.PLAN_TITLE,
            title_ru=russian(data.PLAN_TITLE),
            channel=COMMAND,
        )
        for order, entry in enumerate(data.PLAN):
            plan.plan_item_add(
                actor=None,
                plan=work_plan,
                quarter=entry.quarter,
                month=entry.month,
                topic=entry.topic,
                topic_ru=russian(entry.topic),
                planned_form=entry.form,
                order=order,
                responsible=[seats[key] for key in entry.responsible],
                bodies_to_invite=[orgs[code] for code in entry.bodies],
                channel=COMMAND,
            )
        done["plans"] += 1
    by_topic = {item.topic: item for item in work_plan.items.all()}
    return {entry.key: by_topic[entry.topic] for entry in data.PLAN}


def _petition(council: Council, orgs: dict[str, Organisation], done: Counter[str]) -> Petition:
    existing = council.petitions.filter(subject=data.PETITION["subject"]).first()
    if existing is not None:
        return existing
    done["petitions"] += 1
    petition = petitions.petition_register(
        actor=None,
        council=council,
        received_on=data.PETITION_RECEIVED,
        petitioner_organisation=orgs["kos-wko"],
        channel=COMMAND,
        **data.PETITION,  # type: ignore[arg-type]
    )
    # The secretary reviewed it for the public page: an association's petition, no personal data.
    return petitions.petition_publish(
        actor=None, petition=petition, public_title=str(data.PETITION["subject"]), channel=COMMAND
    )


def _recurring_petitions(council: Council, done: Counter[str]) -> None:
    """Citizens' petitions about problems raised more than once, in several districts."""
    for spec in data.RECURRING_PETITIONS:
        if council.petitions.filter(subject=spec.subject).exists():
            continue
        done["petitions"] += 1
        petitions.petition_register(
            actor=None,
            council=council,
            received_on=spec.received_on,
            channel=COMMAND,
            petitioner_kind=PetitionerKind.CITIZEN,
            petitioner_name=spec.petitioner_name,
            contact_email=spec.contact_email,
            contact_language=spec.contact_language,
            subject=spec.subject,
            text=spec.text,
            territory=Territory.objects.get(kato=spec.district_kato),
        )


def _new_composition(
    council: Council, orgs: dict[str, Organisation], done: Counter[str]
) -> Composition:
    """The new composition, proposed before the seed meeting (the meeting's vote approves it)."""
    proposed = council.compositions.filter(number=2).first()
    if proposed is not None:
        return proposed
    proposed = composition.composition_propose(
        actor=None, council=council, proposed_on=dt.date(2026, 11, 10), channel=COMMAND
    )
    leaving = {seat.full_name for seat in data.FORMER_SEATS if seat.key in data.LEAVING}
    term_end = data.NEW_TERM_START.replace(year=data.NEW_TERM_START.year + 3) - dt.timedelta(days=1)
    for member in proposed.members.all():
        if member.full_name in leaving:
            composition.member_remove(actor=None, member=member, channel=COMMAND)
        else:
            composition.member_update(
                actor=None,
                member=member,
                term_start=data.NEW_TERM_START,
                term_end=term_end,
                channel=COMMAND,
            )
    for offset, seat in enumerate(data.JOINING, start=len(data.FORMER_SEATS)):
        composition.member_add(
            actor=None,
            composition=proposed,
            term_start=data.NEW_TERM_START,
            term_end=term_end,
            order=offset,
            channel=COMMAND,
            **_seat_fields(seat, orgs),
        )
    done["compositions"] += 1
    return proposed


def _follow_plan(items: dict[str, WorkPlanItem]) -> None:
    for entry in data.PLAN:
        item = WorkPlanItem.objects.get(pk=items[entry.key].pk)
        if entry.follow and item.status != entry.follow:
            plan.plan_item_set_status(
                actor=None,
                item=item,
                status=entry.follow,
                note=entry.note,
                note_ru=russian(entry.note),
                channel=COMMAND,
            )


def load() -> str:
    """Load the council demo (meetings side); return a one-line summary."""
    done: Counter[str] = Counter()
    with transaction.atomic():
        orgs = _organisations()
        rules = _rule_sets(done)
        council = _council(orgs, rules["party-council"], done)
        seats = _former_composition(council, orgs, done)
        items = _plan(council, seats, orgs, done)
        petition = _petition(council, orgs, done)
        _recurring_petitions(council, done)
        proposed = _new_composition(council, orgs, done)
        for spec in agenda_data.MEETINGS:
            held.load_meeting(
                spec,
                council=council,
                seats=seats,
                orgs=orgs,
                items=items,
                petition=petition,
                proposed=proposed,
                done=done,
            )
        _follow_plan(items)
        held.load_next_meeting(council, items, done)
    if not done:
        return f"council {COUNCIL_SLUG}: unchanged"
    created = ", ".join(f"{count} {what}" for what, count in sorted(done.items()))
    return f"council {COUNCIL_SLUG}: created {created}"


# Pages that only answer POST, or need a state the demo does not have (for the every-page test).
POST_ONLY_PAGES = (
    "council:composition_new",
    "council:composition_delete",
    "council:member_delete",
    "council:plan_item_delete",
    "council:meeting_held",
    "council:guest_new",
    "council:guest_delete",
    "council:agenda_item_move",
    "council:agenda_item_delete",
    "council:official_new",
    "council:official_delete",
    "council:material_new",
    "council:speech_new",
    "council:decision_new",
    "council:vote_new",
    "council:vote_ballots",
    "council:vote_totals",
    "council:vote_close",
    "council:vote_annul",
    "council:vote_own_ballot",
    "council:petition_agenda",
    "council:petition_answer",
    "council:petition_publication",
)
PAGES_WITHOUT_DEMO_STATE = {
    "council:member_new": "needs a proposed composition; the demo's are decided",
    "council:member_edit": "needs a proposed composition; the demo's are decided",
    "council:plan_item_new": "needs a draft plan; the demo's plan is approved",
    "council:plan_item_edit": "needs a draft plan; the demo's plan is approved",
    "council:material_download": "the demo attaches no files",
    "council:petition_submitted": "shows the petition just sent from this browser session",
}


def demo_page_arguments() -> dict[str, dict[str, Any]]:
    """URL arguments of the meetings-side pages, taken from the loaded demo (for browser tests)."""
    council = Council.objects.get(slug=COUNCIL_SLUG)
    seed = council.meetings.get(number=SEED_MEETING_NUMBER)
    planned = council.meetings.get(number=agenda_data.NEXT_MEETING["number"])
    item = seed.agenda.order_by("order").first()
    vote = Vote.objects.filter(agenda_item__meeting=seed).order_by("pk").first()
    plan_item = plan_item_for("year-results")
    task = planned.accommodation_requests.order_by("pk").first()
    petition = council.petitions.order_by("pk").first()
    composition_in_force = council.compositions.get(status=CompositionStatus.APPROVED)
    if not (item and vote and plan_item and task and petition):
        raise LookupError("Load the council demo first.")
    slug = {"slug": council.slug}
    meeting = {**slug, "pk": seed.pk}
    return {
        "council:council_detail": slug,
        "council:composition_list": slug,
        "council:composition_detail": {**slug, "pk": composition_in_force.pk},
        "council:plan_list": slug,
        "council:plan_new": slug,
        "council:plan_detail": {**slug, "pk": plan_item.plan_id},
        "council:plan_item_status": {**slug, "pk": plan_item.plan_id, "item_pk": plan_item.pk},
        "council:meeting_list": slug,
        "council:meeting_new": slug,
        "council:meeting_detail": meeting,
        "council:meeting_edit": {**slug, "pk": planned.pk},
        "council:meeting_cancel": {**slug, "pk": planned.pk},
        "council:meeting_invitations": {**slug, "pk": planned.pk},
        "council:meeting_texts": meeting,
        "council:meeting_quorum": meeting,
        "council:meeting_attendance": meeting,
        "council:accommodation_new": {**slug, "pk": planned.pk},
        "council:agenda_item_new": {**slug, "pk": planned.pk},
        "council:agenda_item_detail": {**meeting, "item_pk": item.pk},
        "council:agenda_item_edit": {**meeting, "item_pk": item.pk},
        "council:vote_detail": {**meeting, "vote_pk": vote.pk},
        "council:accommodation_list": slug,
        "council:accommodation_resolve": {**slug, "pk": task.pk},
        "council:petition_new": slug,
        "council:petition_list": slug,
        "council:petition_create": slug,
        "council:petition_detail": {**slug, "pk": petition.pk},
    }
