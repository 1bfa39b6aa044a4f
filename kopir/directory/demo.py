"""The West Kazakhstan demo: territories from the KATO extract and every body named in the seed.

Idempotent: organisations are keyed on `code` and territories on their KATO code, and a record is
written only when it differs, so a second run changes nothing. Other apps' demos rely on the codes
in DEMO_ORGANISATIONS.

The BINs are synthetic: composed with the real check digit (so validation accepts them) from fixed
serials, never looked up. Any match with a real organisation's BIN is a coincidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kopir.audit.models import AuditChannel
from kopir.core.identifiers import make_bin
from kopir.directory.models import NoticeLanguage, Organisation, OrganisationKind, Territory
from kopir.directory.services import organisation_sync, territories_load_file

DATA_DIR = Path(__file__).resolve().parent / "data"
TERRITORY_FILES = (DATA_DIR / "kato-wko.json", DATA_DIR / "kopir-territories.json")

REGION = "270000000"
ORAL = "271010000"
TEREKTI = "276200000"
KARATOBE = "275000000"
KAZAKHSTAN = "000000000"  # Kopir's own code for the whole country (kopir-territories.json).

# BIN digit 6: 0 = a head legal entity, 1 = a branch (docs/domain/identifiers.md §2).
HEAD_UNIT = 0
BRANCH = 1
RESIDENT_LEGAL_ENTITY = 4


@dataclass(frozen=True)
class SyntheticBin:
    registered: dt.date
    serial: int
    attribute: int = HEAD_UNIT

    def compose(self) -> str:
        number = make_bin(self.registered, RESIDENT_LEGAL_ENTITY, self.attribute, self.serial)
        if number is None:  # pragma: no cover - the serials below are chosen to be issuable
            raise ValueError(f"serial {self.serial} has no check digit; choose another")
        return number


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    kind: str
    territory: str
    names: tuple[str, str, str]  # Kazakh, Russian, English
    short_names: tuple[str, str, str]
    bin: SyntheticBin | None
    parent: str | None = None
    notice_language: str = NoticeLanguage.KAZAKH

    @property
    def email(self) -> str:
        # Synthetic: every demo organisation has a contact address, so its notices are delivered
        # (to the demo's e-mail backend) rather than recorded as undeliverable.
        return f"{self.code}@example.kz"


# Parents come before their units. Names follow the news report the demo is built on and the
# glossary of docs/domain/README.md §2.
DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        code="wko-mse-department",
        kind=OrganisationKind.MSE_DEPARTMENT,
        territory=REGION,
        names=(
            "Еңбек, әлеуметтік қорғау және көші-қон комитетінің Батыс Қазақстан облысы бойынша "
            "департаменті",
            "Департамент Комитета труда, социальной защиты и миграции по Западно-Казахстанской "
            "области",
            "Department of the Committee of Labour, Social Protection and Migration for West "
            "Kazakhstan Region",
        ),
        short_names=("ЕӘҚКК БҚО департаменті", "Департамент КТСЗМ по ЗКО", "WKR Labour Department"),
        bin=SyntheticBin(dt.date(2023, 7, 1), 90101),
    ),
    DemoOrganisation(
        code="wko-mse-division-oral",
        kind=OrganisationKind.MSE_DIVISION,
        territory=ORAL,
        names=(
            "Орал қаласы бойынша медициналық-әлеуметтік сараптама бөлімі",
            "Отдел медико-социальной экспертизы по городу Уральску",
            "Medical-Social Expertise Division for Oral",
        ),
        short_names=("Орал МӘС бөлімі", "Отдел МСЭ г. Уральск", "Oral MSE Division"),
        # A division of the department, not a legal entity of its own: it has no BIN.
        bin=None,
        parent="wko-mse-department",
    ),
    DemoOrganisation(
        code="wko-employment-office",
        kind=OrganisationKind.EMPLOYMENT_SOCIAL,
        territory=REGION,
        names=(
            "Батыс Қазақстан облысының жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар "
            "басқармасы",
            "Управление координации занятости и социальных программ Западно-Казахстанской области",
            "Office for Employment Coordination and Social Programs of West Kazakhstan Region",
        ),
        short_names=(
            "БҚО жұмыспен қамту басқармасы",
            "УКЗиСП ЗКО",
            "WKR Employment and Social Programs Office",
        ),
        bin=SyntheticBin(dt.date(2004, 2, 1), 90102),
    ),
    DemoOrganisation(
        code="wko-health-office",
        kind=OrganisationKind.HEALTH_OFFICE,
        territory=REGION,
        names=(
            "Батыс Қазақстан облысының денсаулық сақтау басқармасы",
            "Управление здравоохранения Западно-Казахстанской области",
            "Health Office of West Kazakhstan Region",
        ),
        short_names=("БҚО денсаулық сақтау басқармасы", "УЗ ЗКО", "WKR Health Office"),
        bin=SyntheticBin(dt.date(2004, 2, 1), 90103),
        # One organisation that asked for its notices in Russian, to show the choice.
        notice_language=NoticeLanguage.RUSSIAN,
    ),
    DemoOrganisation(
        code="wko-education-office",
        kind=OrganisationKind.EDUCATION_OFFICE,
        territory=REGION,
        names=(
            "Батыс Қазақстан облысының білім басқармасы",
            "Управление образования Западно-Казахстанской области",
            "Education Office of West Kazakhstan Region",
        ),
        short_names=("БҚО білім басқармасы", "УО ЗКО", "WKR Education Office"),
        bin=SyntheticBin(dt.date(2004, 2, 1), 90104),
    ),
    DemoOrganisation(
        code="oral-akimat",
        kind=OrganisationKind.AKIMAT,
        territory=ORAL,
        names=("Орал қаласының әкімдігі", "Акимат города Уральска", "Akimat of Oral"),
        short_names=("Орал қ. әкімдігі", "Акимат г. Уральск", "Oral Akimat"),
        bin=SyntheticBin(dt.date(2001, 5, 1), 90105),
    ),
    DemoOrganisation(
        code="terekti-akimat",
        kind=OrganisationKind.AKIMAT,
        territory=TEREKTI,
        names=(
            "Теректі ауданының әкімдігі",
            "Акимат Теректинского района",
            "Akimat of Terekti District",
        ),
        short_names=("Теректі ауданы әкімдігі", "Акимат Теректинского района", "Terekti Akimat"),
        bin=SyntheticBin(dt.date(2001, 6, 1), 90106),
    ),
    DemoOrganisation(
        code="karatobe-akimat",
        kind=OrganisationKind.AKIMAT,
        territory=KARATOBE,
        names=(
            "Қаратөбе ауданының әкімдігі",
            "Акимат Каратобинского района",
            "Akimat of Karatobe District",
        ),
        short_names=("Қаратөбе ауданы әкімдігі", "Акимат Каратобинского района", "Karatobe Akimat"),
        bin=SyntheticBin(dt.date(2001, 6, 1), 90107),
    ),
    # Polyclinics and district hospitals are enterprises of the regional Health Office.
    DemoOrganisation(
        code="oral-polyclinic-1",
        kind=OrganisationKind.MEDICAL,
        territory=ORAL,
        names=(
            "Орал қаласының № 1 қалалық емханасы",
            "Городская поликлиника № 1 г. Уральск",
            "City Polyclinic No. 1, Oral",
        ),
        short_names=("№ 1 емхана", "Поликлиника № 1", "Polyclinic No. 1"),
        bin=SyntheticBin(dt.date(2008, 9, 1), 90108),
        parent="wko-health-office",
    ),
    DemoOrganisation(
        code="oral-polyclinic-3",
        kind=OrganisationKind.MEDICAL,
        territory=ORAL,
        names=(
            "Орал қаласының № 3 қалалық емханасы",
            "Городская поликлиника № 3 г. Уральск",
            "City Polyclinic No. 3, Oral",
        ),
        short_names=("№ 3 емхана", "Поликлиника № 3", "Polyclinic No. 3"),
        bin=SyntheticBin(dt.date(2008, 9, 1), 90109),
        parent="wko-health-office",
    ),
    DemoOrganisation(
        code="oral-polyclinic-5",
        kind=OrganisationKind.MEDICAL,
        territory=ORAL,
        names=(
            "Орал қаласының № 5 қалалық емханасы",
            "Городская поликлиника № 5 г. Уральск",
            "City Polyclinic No. 5, Oral",
        ),
        short_names=("№ 5 емхана", "Поликлиника № 5", "Polyclinic No. 5"),
        bin=SyntheticBin(dt.date(2008, 9, 1), 90110),
        parent="wko-health-office",
    ),
    DemoOrganisation(
        code="terekti-district-hospital",
        kind=OrganisationKind.MEDICAL,
        territory=TEREKTI,
        names=(
            "Теректі аудандық ауруханасы",
            "Теректинская районная больница",
            "Terekti District Hospital",
        ),
        short_names=("Теректі аудандық ауруханасы", "Теректинская РБ", "Terekti Hospital"),
        bin=SyntheticBin(dt.date(2008, 10, 1), 90111),
        parent="wko-health-office",
    ),
    DemoOrganisation(
        code="karatobe-district-hospital",
        kind=OrganisationKind.MEDICAL,
        territory=KARATOBE,
        names=(
            "Қаратөбе аудандық ауруханасы",
            "Каратобинская районная больница",
            "Karatobe District Hospital",
        ),
        short_names=("Қаратөбе аудандық ауруханасы", "Каратобинская РБ", "Karatobe Hospital"),
        bin=SyntheticBin(dt.date(2008, 10, 1), 90112),
        parent="wko-health-office",
    ),
    DemoOrganisation(
        code="oral-career-centre",
        kind=OrganisationKind.CAREER_CENTRE,
        territory=ORAL,
        names=(
            "Орал қаласының карьера орталығы",
            "Карьерный центр города Уральска",
            "Career Centre of Oral",
        ),
        short_names=("Орал карьера орталығы", "Карьерный центр г. Уральск", "Oral Career Centre"),
        bin=SyntheticBin(dt.date(2016, 3, 1), 90113),
        parent="wko-employment-office",
    ),
    DemoOrganisation(
        code="wko-school-hearing-impaired",
        kind=OrganisationKind.SCHOOL,
        territory=REGION,
        names=(
            "Батыс Қазақстан облысының есту қабілеті бұзылған балаларға арналған арнаулы мектебі",
            "Специальная школа для детей с нарушением слуха Западно-Казахстанской области",
            "Special School for Hearing-Impaired Children of West Kazakhstan Region",
        ),
        short_names=(
            "Есту қабілеті бұзылған балалар мектебі",
            "Школа для детей с нарушением слуха",
            "School for Hearing-Impaired Children",
        ),
        bin=SyntheticBin(dt.date(2005, 8, 1), 90114),
        parent="wko-education-office",
    ),
    DemoOrganisation(
        code="kos-wko",
        kind=OrganisationKind.NGO,
        territory=REGION,
        names=(
            "Қазақ зағиптар қоғамының Батыс Қазақстан облыстық филиалы",
            "Западно-Казахстанский областной филиал Казахского общества слепых",
            "West Kazakhstan Regional Branch of the Kazakh Society of the Blind",
        ),
        short_names=("ҚЗҚ БҚО филиалы", "ЗКО филиал КОС", "KSB West Kazakhstan Branch"),
        bin=SyntheticBin(dt.date(2003, 11, 1), 90115, attribute=BRANCH),
    ),
    DemoOrganisation(
        code="wko-public-council",
        kind=OrganisationKind.PUBLIC_COUNCIL,
        territory=REGION,
        names=(
            "«AMANAT» партиясы Батыс Қазақстан облыстық филиалы жанындағы Әлеуметтік мәселелер "
            "жөніндегі қоғамдық кеңес",
            "Общественный совет по социальным вопросам при Западно-Казахстанском областном "
            "филиале партии «AMANAT»",
            "Public Council on Social Issues at the West Kazakhstan Regional Branch of the AMANAT "
            "Party",
        ),
        short_names=(
            "Әлеуметтік мәселелер жөніндегі қоғамдық кеңес",
            "Общественный совет по социальным вопросам",
            "Public Council on Social Issues",
        ),
        # A consultative body of a party branch (docs/domain/council.md §2), not a legal entity: no BIN.
        bin=None,
    ),
    DemoOrganisation(
        code="mazhilis",
        kind=OrganisationKind.PARLIAMENT,
        territory=KAZAKHSTAN,
        names=(
            "Қазақстан Республикасы Парламентінің Мәжілісі",
            "Мажилис Парламента Республики Казахстан",
            "Mazhilis of the Parliament of the Republic of Kazakhstan",
        ),
        short_names=("Мәжіліс", "Мажилис", "Mazhilis"),
        bin=SyntheticBin(dt.date(1996, 1, 1), 90116),
    ),
)

DEMO_CODES = tuple(organisation.code for organisation in DEMO_ORGANISATIONS)


def load() -> str:
    """Load the territories and the demo organisations; return a one-line summary."""
    territories = {"created": 0, "updated": 0}
    for path in TERRITORY_FILES:
        report = territories_load_file(path=path, channel=AuditChannel.COMMAND)
        territories["created"] += report.created
        territories["updated"] += report.updated

    codes = {spec.territory for spec in DEMO_ORGANISATIONS}
    territory_by_code = {t.kato: t for t in Territory.objects.filter(kato__in=codes)}
    saved: dict[str, Organisation] = {}
    outcomes = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in DEMO_ORGANISATIONS:
        kk, ru, en = spec.names
        short_kk, short_ru, short_en = spec.short_names
        organisation, outcome = organisation_sync(
            code=spec.code,
            data={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "short_name_kk": short_kk,
                "short_name_ru": short_ru,
                "short_name_en": short_en,
                "kind": spec.kind,
                "bin": spec.bin.compose() if spec.bin else None,
                "territory": territory_by_code[spec.territory],
                "parent": saved[spec.parent] if spec.parent else None,
                "email": spec.email,
                "notice_language": spec.notice_language,
                "is_active": True,
            },
            channel=AuditChannel.COMMAND,
        )
        saved[spec.code] = organisation
        outcomes[outcome] += 1
    return (
        f"territories {territories['created']} created, {territories['updated']} updated; "
        f"organisations {outcomes['created']} created, {outcomes['updated']} updated, "
        f"{outcomes['unchanged']} unchanged"
    )
