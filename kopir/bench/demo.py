"""The demo's background cases: two years of synthetic persons, referrals and programmes in West
Kazakhstan, written by the generator of the national dataset (`synthetic/`), so that the council's
dashboards show figures worth looking at — most cells 5 or more, some under 5 — rather than the
handful of cases the demo's story is told with.

They go to the clinics and agencies of the demo's directory (not to a generated country): City
Polyclinic No. 3 in Oral and the two district hospitals send them; Polyclinic No. 1 (the demo
clinician's) and No. 5 send none, so the clinician's lists keep the story's cases and No. 5
shows "<5". Referral numbers start with SYN-; a second run writes nothing.
"""

from __future__ import annotations

from django.utils import timezone

from kopir.accounts.models import Role, RoleAssignment
from kopir.assessment.models import Referral
from kopir.bench.synthetic.cases import CaseWriter
from kopir.bench.synthetic.rehabilitation import write_region_programmes
from kopir.bench.synthetic.world import World
from kopir.directory.models import Organisation, OrganisationKind, Territory

REGION, ORAL, TEREKTI, KARATOBE = "270000000", "271010000", "276200000", "275000000"
PERSONS = 600
YEARS = 2
SEED = 2026
# (territory, kind) → the demo organisation that does that kind's work there.
DISTRICT_ORGANISATIONS = {
    (ORAL, OrganisationKind.MEDICAL): "oral-polyclinic-3",
    (TEREKTI, OrganisationKind.MEDICAL): "terekti-district-hospital",
    (KARATOBE, OrganisationKind.MEDICAL): "karatobe-district-hospital",
    (ORAL, OrganisationKind.AKIMAT): "oral-akimat",
    (TEREKTI, OrganisationKind.AKIMAT): "terekti-akimat",
    (KARATOBE, OrganisationKind.AKIMAT): "karatobe-akimat",
    (ORAL, OrganisationKind.CAREER_CENTRE): "oral-career-centre",
    (TEREKTI, OrganisationKind.EMPLOYMENT_SOCIAL): "terekti-employment-department",
    (KARATOBE, OrganisationKind.EMPLOYMENT_SOCIAL): "karatobe-employment-department",
    (REGION, OrganisationKind.EMPLOYMENT_SOCIAL): "wko-employment-office",
    (REGION, OrganisationKind.HEALTH_OFFICE): "wko-health-office",
    (REGION, OrganisationKind.EDUCATION_OFFICE): "wko-education-office",
    (REGION, OrganisationKind.MSE_DIVISION): "wko-mse-division-oral",
}


def demo_world() -> tuple[World, int]:
    """The demo's region as the generator's world: its districts, the organisations above, and
    the demo's staff who sign the synthetic cases (the clinician, the division's head and
    experts)."""
    territories = dict(
        Territory.objects.filter(kato__in=[REGION, ORAL, TEREKTI, KARATOBE]).values_list(
            "kato", "pk"
        )
    )
    codes = dict(
        Organisation.objects.filter(code__in=DISTRICT_ORGANISATIONS.values()).values_list(
            "code", "pk"
        )
    )
    region = territories[REGION]
    world = World(regions=[region])
    for kato in (ORAL, TEREKTI, KARATOBE):
        world.districts.append(territories[kato])
        world.district_region[territories[kato]] = region
    for (kato, kind), code in DISTRICT_ORGANISATIONS.items():
        world.organisations[(territories[kato], kind)] = codes[code]
    clinicians = list(
        RoleAssignment.objects.filter(role=Role.CLINICIAN)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    for (_, kind), code in DISTRICT_ORGANISATIONS.items():
        if kind == OrganisationKind.MEDICAL:
            world.staff[codes[code]] = {Role.CLINICIAN: clinicians}
    division = codes["wko-mse-division-oral"]
    division_staff = RoleAssignment.objects.filter(
        user__organisation_id=division, role__in=[Role.MSE_HEAD, Role.MSE_SPECIALIST]
    ).order_by("user_id")
    for user, role in division_staff.values_list("user_id", "role"):
        world.staff.setdefault(division, {}).setdefault(role, []).append(user)
    return world, region


def load() -> str:
    if Referral.objects.filter(number__startswith="SYN-").exists():
        return "background cases already written"
    world, region = demo_world()
    today = timezone.localdate()
    writer = CaseWriter(world=world, seed=SEED, years=YEARS, today=today)
    cases = writer.write_region(region, PERSONS)
    programmes = write_region_programmes(world=world, region=region, seed=SEED, today=today)
    referrals = cases.get("assessment.Referral", 0)
    measures = programmes.get("rehabilitation.Measure", 0)
    return (
        f"{PERSONS} synthetic persons over {YEARS} years: {referrals} referrals, "
        f"{measures} measures (for the dashboards)"
    )
