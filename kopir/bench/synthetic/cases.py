"""Persons, their MSE cases and the audit history, written one region at a time (one transaction
each, skipped when already written, so an interrupted run resumes at the next region).

Rates follow docs/domain/mse.md: about 1.33 referrals per person over the years generated, 42 %
in absentia, about one referral in six returned at least once; durations are a few working days
per step; the last weeks hold the cases still in progress, some of them overdue.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
from collections.abc import Iterator
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.assessment.models import (
    Category,
    Decision,
    ExpertAssignment,
    Icd10Code,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralPurpose,
    ReferralStatus,
    Route,
)
from kopir.assessment.workflow import DEFAULT_STEP_DAYS
from kopir.audit import chain
from kopir.audit.models import AuditAction, AuditChannel, AuditEvent
from kopir.bench.synthetic.tables import Table, next_id, reset_sequences
from kopir.bench.synthetic.world import World
from kopir.core.identifiers import make_iin
from kopir.core.working_days import add_working_days
from kopir.directory.models import OrganisationKind
from kopir.people.models import LinkBasis, Person, PersonLink, Sex, name_search_key

S = ReferralStatus

SURNAMES = (
    ("Сейітов", "Сейітова"), ("Жұмабаев", "Жұмабаева"), ("Әбенов", "Әбенова"),
    ("Оспанов", "Оспанова"), ("Нұрланов", "Нұрланова"), ("Қасымов", "Қасымова"),
    ("Ахметов", "Ахметова"), ("Ибраев", "Ибраева"), ("Смагулов", "Смагулова"),
    ("Тоқтаров", "Тоқтарова"), ("Иванов", "Иванова"), ("Ким", "Ким"),
    ("Бекмұхамбетов", "Бекмұхамбетова"), ("Серікбаев", "Серікбаева"), ("Мұратов", "Мұратова"),
)  # fmt: skip
GIVEN = {
    Sex.MALE: ("Ерлан", "Нұрлан", "Бауыржан", "Асқар", "Дәурен", "Мұрат", "Алексей", "Тимур"),
    Sex.FEMALE: ("Айгүл", "Гүлнар", "Сәуле", "Динара", "Әсел", "Жанар", "Ольга", "Мадина"),
}
DIAGNOSES = ("H54.0", "H54.1", "H90.3", "H90.5", "G80.0", "G80.1", "F70", "F71", "I69.4",
             "M05.8", "E10.7", "C50.9", "G35", "Q90.9", "F20.0", "T93.6", "J44.9", "I25.2")  # fmt: skip
CATEGORIES = (Category.ADULT_G1, Category.ADULT_G2, Category.ADULT_G2, Category.ADULT_G3,
              Category.ADULT_G3, Category.ADULT_G3)  # fmt: skip


@functools.lru_cache(maxsize=65536)
def working_days_after(start: dt.date, days: int) -> dt.date:
    return add_working_days(start, days)


def region_written(world: World, region: int) -> bool:
    clinics = [
        pk for (territory, kind), pk in world.organisations.items()
        if kind == OrganisationKind.MEDICAL and world.district_region.get(territory) == region
    ]  # fmt: skip
    return Person.objects.filter(registered_by__in=clinics).exists()


class CaseWriter:
    """Writes one region's persons and cases; ids continue across regions."""

    def __init__(self, *, world: World, seed: int, years: int, today: dt.date) -> None:
        self.world = world
        self.seed = seed
        self.years = years
        self.today = today
        self.tables: dict[type[models.Model], Table] = {
            model: Table(model)
            for model in (
                Person,
                PersonLink,
                Referral,
                ReferralEvent,
                ExpertAssignment,
                Decision,
                AuditEvent,
            )
        }
        codes = dict(Icd10Code.objects.filter(code__in=DIAGNOSES).values_list("code", "pk"))
        self.diagnoses = [codes[code] for code in DIAGNOSES if code in codes]
        if not self.diagnoses:
            raise RuntimeError("no ICD-10 codes: load them first (manage.py load_icd10)")
        self.usernames = dict(
            User.objects.filter(username__startswith="syn-").values_list("pk", "username")
        )
        self.iin_serial: dict[tuple[dt.date, str], Iterator[int]] = {}
        self.referral_serial = itertools.count(1)

    def _ids(self) -> dict[type[models.Model], Iterator[int]]:
        return {model: itertools.count(next_id(model)) for model in self.tables}

    def _iin(self, birth: dt.date, sex: str) -> str:
        # Serials from 5000 up: the demo and the tests use the low ones.
        serials = self.iin_serial.setdefault((birth, sex), itertools.count(5000))
        while True:
            number = make_iin(birth, sex, next(serials))
            if number:
                return number

    def write_region(self, region: int, persons: int) -> dict[str, int]:
        rng = random.Random(f"{self.seed}:region:{region}")
        ids = self._ids()
        rows: dict[type[models.Model], list[list[Any]]] = {model: [] for model in self.tables}
        table = self.tables
        districts = [d for d in self.world.districts if self.world.district_region[d] == region]
        division = self.world.organisation(region, OrganisationKind.MSE_DIVISION)
        head = self.world.users(division, Role.MSE_HEAD)[0]
        experts = self.world.users(division, Role.MSE_SPECIALIST)
        tz = timezone.get_current_timezone()
        start = self.today - dt.timedelta(days=365 * self.years)
        audit: list[dict[str, Any]] = []
        for _n in range(persons):
            district = rng.choice(districts)
            clinic = self.world.organisation(district, OrganisationKind.MEDICAL)
            clinicians = self.world.users(clinic, Role.CLINICIAN)
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
            birth = dt.date(rng.randint(1945, 2019), rng.randint(1, 12), rng.randint(1, 28))
            last = rng.choice(SURNAMES)[0 if sex == Sex.MALE else 1]
            first = rng.choice(GIVEN[sex])
            registered = timezone.make_aware(
                dt.datetime.combine(start, dt.time(9))
                + dt.timedelta(minutes=rng.randint(0, 60 * 24 * (self.today - start).days)),
                tz,
            )
            person = next(ids[Person])
            rows[Person].append(
                table[Person].row(
                    id=person, iin=self._iin(birth, sex), last_name=last, first_name=first,
                    birth_date=birth, sex=sex, territory_id=district, registered_by_id=clinic,
                    search_name=name_search_key(last, first, ""), created_at=registered,
                    updated_at=registered, consent_to_processing=True, consent_recorded_at=registered,
                )
            )  # fmt: skip
            rows[PersonLink].append(
                table[PersonLink].row(
                    id=next(ids[PersonLink]), person_id=person, organisation_id=clinic,
                    basis=LinkBasis.REGISTERED, created_at=registered,
                )
            )  # fmt: skip
            audit.append({"at": registered, "actor": rng.choice(clinicians), "org": clinic,
                          "action": AuditAction.CREATE, "type": "people.person", "id": person})  # fmt: skip
            count = 1 + (rng.random() < 0.33)
            for k in range(count):
                created = registered + dt.timedelta(days=rng.randint(0, 30) + k * 200)
                if created.date() > self.today:
                    break
                self._referral(rng, ids, rows, audit, person, clinic, clinicians, division, head,
                               experts, created, in_person_link=k == 0)  # fmt: skip
        # Persons registered after their referral's creation would be odd: they are not, since
        # referrals start at or after registration.
        audit.sort(key=lambda item: item["at"])
        written = {}
        with transaction.atomic():
            # The chain's head is locked from here to the commit, so no other writer forks it.
            self._audit_rows(rows, ids, audit)
            for model, model_rows in rows.items():
                written[model._meta.label] = table[model].write(model_rows)
            reset_sequences(self.tables)
        return written

    def _referral(
        self,
        rng,
        ids,
        rows,
        audit,
        person,
        clinic,
        clinicians,
        division,
        head,
        experts,
        created,
        *,
        in_person_link,
    ) -> None:
        table = self.tables
        pk = next(ids[Referral])
        clinician = rng.choice(clinicians)
        route = Route.IN_ABSENTIA if rng.random() < 0.42 else Route.IN_PERSON
        age = (self.today - created.date()).days
        # Cases of the last weeks are still moving; older ones are mostly done.
        if age > 45:
            final: str = S.WITHDRAWN if rng.random() < 0.03 else S.NOTIFIED
        else:
            final = rng.choice((S.DRAFT, S.SENT, S.SENT, S.RETURNED, S.ACCEPTED, S.ASSIGNED,
                                S.ASSIGNED, S.DECIDED, S.NOTIFIED, S.NOTIFIED))  # fmt: skip
        returns = 0
        path: list[str] = [S.DRAFT]
        if final != S.DRAFT:
            path.append(S.SENT)
            while rng.random() < (0.17 if returns == 0 else 0.25) and returns < 3:
                path.append(S.RETURNED)
                returns += 1
                if final == S.RETURNED:
                    break
                if final == S.WITHDRAWN and rng.random() < 0.5:
                    break
                path.append(S.SENT)
            if final == S.WITHDRAWN and path[-1] != S.RETURNED:
                path.append(S.RETURNED)
                returns += 1
            order = (S.ACCEPTED, S.ASSIGNED, S.DECIDED, S.NOTIFIED)
            if final in order:
                path.extend(order[: order.index(final) + 1])
            elif final == S.WITHDRAWN:
                path.append(S.WITHDRAWN)
        at = created
        first_sent = None
        decided_at = None
        events: list[tuple[str, str, dt.datetime]] = []
        for source, target in itertools.pairwise(path):
            at = at + dt.timedelta(hours=rng.randint(2, 24 * (4 if target != S.NOTIFIED else 1)))
            if at.date() > self.today:
                at = timezone.make_aware(dt.datetime.combine(self.today, dt.time(8)), at.tzinfo)
            events.append((source, target, at))
            if target == S.SENT and first_sent is None:
                first_sent = at
            if target == S.DECIDED:
                decided_at = at
        status = path[-1]
        step_started = at.date()
        step_days = DEFAULT_STEP_DAYS.get(status)
        step_due = working_days_after(step_started, step_days) if step_days else None
        rows[Referral].append(
            table[Referral].row(
                id=pk, number=f"SYN-{created.year}-{next(self.referral_serial):07d}",
                person_id=person, medical_organisation_id=clinic, mse_division_id=division,
                purpose=ReferralPurpose.PRIMARY if in_person_link else ReferralPurpose.RE_EXAMINATION,
                route=route, status=status, primary_diagnosis_id=rng.choice(self.diagnoses),
                commission_protocol_number=str(rng.randint(1, 999)),
                commission_date=created.date(), created_by_id=clinician, created_at=created,
                first_sent_at=first_sent, returns_count=returns, step_started_on=step_started,
                step_due_on=step_due, decided_at=decided_at,
            )
        )  # fmt: skip
        audit.append({"at": created, "actor": clinician, "org": clinic,
                      "action": AuditAction.CREATE, "type": "assessment.referral", "id": pk})  # fmt: skip
        for source, target, when in events:
            actor = clinician if target in (S.SENT, S.WITHDRAWN) else head
            rows[ReferralEvent].append(
                table[ReferralEvent].row(
                    id=next(ids[ReferralEvent]), referral_id=pk, at=when, actor_id=actor,
                    from_status=source, to_status=target,
                )
            )  # fmt: skip
            audit.append({"at": when, "actor": actor, "org": clinic if actor == clinician else division,
                          "action": AuditAction.UPDATE, "type": "assessment.referral", "id": pk})  # fmt: skip
            if target == S.ASSIGNED:
                panel = rng.sample(experts, 3 if route == Route.IN_ABSENTIA else 1)
                for position, expert in enumerate(panel, start=1):
                    done = status in (S.DECIDED, S.NOTIFIED) or rng.random() < 0.4
                    rows[ExpertAssignment].append(
                        table[ExpertAssignment].row(
                            id=next(ids[ExpertAssignment]), referral_id=pk, expert_id=expert,
                            position=position, assigned_by_id=head, assigned_at=when,
                            submitted_at=when + dt.timedelta(hours=rng.randint(4, 72)) if done else None,
                            outcome=Outcome.ESTABLISHED if done else "",
                        )
                    )  # fmt: skip
        if decided_at is not None:
            established = rng.random() < 0.85
            rows[Decision].append(
                table[Decision].row(
                    id=next(ids[Decision]), referral_id=pk, decided_by_id=head,
                    decided_by_organisation_id=division, decided_at=decided_at,
                    outcome=Outcome.ESTABLISHED if established else Outcome.NOT_ESTABLISHED,
                    category_code=rng.choice(CATEGORIES) if established else "",
                    valid_until=decided_at.date() + dt.timedelta(days=365 * rng.choice((1, 2, 5)))
                    if established else None,
                )
            )  # fmt: skip
        if route == Route.IN_PERSON and in_person_link and status != S.DRAFT:
            rows[PersonLink].append(
                table[PersonLink].row(
                    id=next(ids[PersonLink]), person_id=person, organisation_id=division,
                    basis=LinkBasis.REFERRAL, created_at=first_sent or created,
                )
            )  # fmt: skip

    def _audit_rows(self, rows, ids, audit) -> None:
        """The audit history of the region, chained after the log's current head."""
        table = self.tables[AuditEvent]
        prev = chain.lock_head_and_read(connection.alias)
        for item in audit:
            record = _AuditRecord(
                at=item["at"], actor_id=item["actor"],
                actor_username=self.usernames.get(item["actor"], ""),
                organisation_id=item["org"], action=str(item["action"]),
                target_type=item["type"], target_id=str(item["id"]), channel=str(AuditChannel.WEB),
                source="", fields=[], detail="", prev_hash=prev,
            )  # fmt: skip
            row_hash = chain.content_hash(record)
            rows[AuditEvent].append(
                table.row(id=next(ids[AuditEvent]), row_hash=row_hash, **record.__dict__)
            )
            prev = row_hash


class _AuditRecord:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
