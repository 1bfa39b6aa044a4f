"""The texts of the council demo (meetings side), in Kazakh, the demo's data language.

Every person is synthetic. The council, its merger, the agenda of the meeting "at the regional
branch", the bodies present and the unanimous votes follow the
regional news report the demo is built on; names, positions and the words of each speech are invented.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

ORAL = zoneinfo.ZoneInfo("Asia/Oral")
COUNCIL_SLUG = "wko-social"
SEED_MEETING_NUMBER = 3
ESTABLISHED = dt.date(2026, 1, 15)
NEW_TERM_START = dt.date(2026, 11, 24)


def at(year: int, month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=ORAL)


RULE_SETS: dict[str, dict[str, Any]] = {
    "statutory-public-control": {
        "name_kk": "«Қоғамдық бақылау туралы» Заң бойынша мерзімдер",
        "name_ru": "Сроки по Закону «Об общественном контроле»",
        "name_en": "Deadlines under the Law on public control",
        "legal_source": "«Қоғамдық бақылау туралы» 2023 жылғы 2 қазандағы № 30-VIII Заң, 13-бап",
        "send_within_working_days": 7,
        "answer_within_working_days": 10,
        "answer_within_calendar_days": None,
        "is_statutory": True,
    },
    "party-council": {
        "name_kk": "Партия жанындағы қоғамдық кеңестің ұсынымдары",
        "name_ru": "Рекомендации общественного совета при партии",
        "name_en": "Recommendations of a party's public council",
        # Why a party council's answers have no legal deadline: docs/domain/council.md §2.
        "legal_source": (
            "Партия филиалы жанындағы кеңес «Қоғамдық кеңестер туралы» 2015 жылғы 2 қарашадағы "
            "№ 383-V Заң бойынша қоғамдық кеңес емес (1-баптың 2-тармағы): оның ұсынымдарына "
            "заңда мерзім белгіленбеген. Кеңес жауапты 30 күнтізбелік күн ішінде сұрайды."
        ),
        "send_within_working_days": None,
        "answer_within_working_days": None,
        "answer_within_calendar_days": 30,
        "is_statutory": False,
    },
}

# The two councils merged into the Public Council on Social Issues at the start of 2026.
PREDECESSORS: tuple[dict[str, Any], ...] = (
    {
        "code": "wko-council-families",
        "slug": "wko-families",
        "names": (
            "Отбасы, әйелдер және балалар құқықтарын қорғау жөніндегі қоғамдық кеңес",
            "Общественный совет по защите прав семьи, женщин и детей",
            "Public Council on the Rights of Families, Women and Children",
        ),
        "short_names": ("Отбасы құқықтары кеңесі", "Совет по правам семьи", "Families council"),
    },
    {
        "code": "wko-council-vulnerable",
        "slug": "wko-vulnerable",
        "names": (
            "Әлеуметтік осал топтар жөніндегі қоғамдық кеңес",
            "Общественный совет по социально уязвимым группам",
            "Public Council on Socially Vulnerable Groups",
        ),
        "short_names": (
            "Осал топтар кеңесі",
            "Совет по уязвимым группам",
            "Vulnerable groups council",
        ),
    },
)
LEGAL_BASIS_NOTE = (
    "«AMANAT» партиясы Батыс Қазақстан облыстық филиалы жанындағы консультативтік орган; "
    "2026 жылы екі қоғамдық кеңестің бірігуімен құрылды"
)


@dataclass(frozen=True)
class Seat:
    key: str
    full_name: str
    position: str = "member"
    affiliation: str | None = None  # an organisation code
    affiliation_text: str = ""
    account: str | None = None  # a demo username


FORMER_SEATS = (
    Seat("chair", "Жұмабаев Ерлан Серікұлы", "chair", None, "Облыстық мәслихат депутаты", "chair"),
    Seat(
        "deputy",
        "Ғабдуллина Айгүл Маратқызы",
        "deputy",
        None,
        "«Бақытты отбасы» қоғамдық бірлестігі",
    ),
    Seat(
        "secretary",
        "Бекова Айжан Нұрланқызы",
        "secretary",
        "wko-public-council",
        "Кеңестің хатшысы",
        "secretary",
    ),
    Seat(
        "kuanysheva", "Қуанышева Динара Ерболқызы", affiliation_text="«Ана мен бала» қоғамдық қоры"
    ),
    Seat(
        "seitkaliev",
        "Сейтқалиев Нұрбол Амангелдіұлы",
        affiliation_text="Мүгедектер қоғамының облыстық бөлімшесі",
    ),
    Seat(
        "abilova",
        "Әбілова Гүлмира Төлегенқызы",
        affiliation_text="Педагог, инклюзивті білім беру маманы",
    ),
    Seat(
        "temirgaliev",
        "Темірғалиев Асқар Бақытжанұлы",
        affiliation_text="Заңгер, «Құқықтық көмек» қоғамдық бірлестігі",
    ),
    Seat(
        "nurmukhambetova",
        "Нұрмұхамбетова Жанар Сағынқызы",
        affiliation_text="Көпбалалы аналар кеңесі",
    ),
    Seat("otepov", "Өтепов Ғалым Жақсылықұлы", affiliation_text="Облыстық ардагерлер кеңесі"),
)
LEAVING = ("nurmukhambetova", "otepov")
JOINING = (
    Seat(
        "ospanov",
        "Оспанов Бауыржан Серікұлы",
        affiliation="kos-wko",
        affiliation_text="Облыстық филиалдың төрағасы",
        account="member",
    ),
    Seat(
        "khamitova",
        "Хамитова Әлия Рүстемқызы",
        affiliation_text="Есту қабілеті бұзылған балалардың ата-аналары бірлестігі",
    ),
    Seat(
        "doskaliev",
        "Досқалиев Мейрам Қайратұлы",
        affiliation_text="Кәсіпкер, әлеуметтік кәсіпкерлер қауымдастығы",
    ),
    Seat(
        "ermekova",
        "Ермекова Сәуле Бауыржанқызы",
        affiliation="wko-school-hearing-impaired",
        affiliation_text="Сурдопедагог",
    ),
)


@dataclass(frozen=True)
class PlanEntry:
    key: str
    quarter: int
    month: int
    topic: str
    form: str
    responsible: tuple[str, ...]
    bodies: tuple[str, ...]
    # After approval: "done" by hand (work recorded outside these meetings) or "moved" with a note.
    follow: str = ""
    note: str = ""


PLAN_TITLE = "Әлеуметтік мәселелер жөніндегі қоғамдық кеңестің 2026 жылғы жұмыс жоспары"
PLAN = (
    PlanEntry(
        "terekti",
        2,
        5,
        "Теректі ауданында көшпелі отырыс: ауылдық жерлерде әлеуметтік қызметтердің қолжетімділігі",
        "offsite",
        ("chair", "deputy"),
        ("terekti-akimat", "wko-employment-office"),
    ),
    PlanEntry(
        "employment-hearing",
        3,
        7,
        "Мүгедектігі бар адамдарды жұмысқа орналастыру бойынша қоғамдық тыңдау",
        "hearing",
        ("seitkaliev",),
        ("wko-employment-office", "oral-career-centre"),
        "moved",
        "2027 жылдың 1-тоқсанына: жұмыспен қамту басқармасының жылдық есебінен кейін өтеді",
    ),
    PlanEntry(
        "karatobe",
        3,
        8,
        "Қаратөбе ауданының басшылығымен онлайн кездесу: отбасы, әйелдер және балалар мәселелері",
        "online",
        ("deputy", "nurmukhambetova"),
        ("karatobe-akimat",),
    ),
    PlanEntry(
        "schools",
        3,
        9,
        "Орал қаласы мектептерінің инклюзивті білім беруге дайындығын мониторингтеу",
        "visit",
        ("abilova",),
        ("wko-education-office",),
        "done",
    ),
    PlanEntry(
        "hearing-school",
        4,
        10,
        "Есту қабілеті бұзылған балаларға арналған арнаулы мектепке бару",
        "visit",
        ("abilova", "kuanysheva"),
        ("wko-education-office",),
        "done",
    ),
    PlanEntry(
        "seed",
        4,
        11,
        "Жеке оңалту бағдарламасы, сырттай МӘС ресімдеу және ведомствоаралық байланыс мәселелері бойынша отырыс",
        "meeting",
        ("chair",),
        ("wko-mse-department", "wko-employment-office", "wko-health-office"),
    ),
    PlanEntry(
        "year-results",
        4,
        12,
        "Жыл қорытындысы: ұсынымдардың орындалуы туралы атқарушы органдардың ақпаратын тыңдау",
        "meeting",
        ("chair", "secretary"),
        ("wko-mse-department", "wko-employment-office", "wko-health-office", "oral-akimat"),
    ),
    PlanEntry(
        "yard-clubs",
        4,
        12,
        "Аула клубтарының тиімділігі және мектеп басшыларын міндетті ротациялау жөніндегі ұсыныстар",
        "meeting",
        ("temirgaliev",),
        ("wko-education-office", "oral-akimat"),
    ),
)


@dataclass(frozen=True)
class Official:
    key: str
    full_name: str
    position: str
    organisation: str


OFFICIALS = {
    official.key: official
    for official in (
        Official(
            "labour",
            "Қайыржанов Асхат Бекұлы",
            "Еңбек, әлеуметтік қорғау және көші-қон комитетінің облыс бойынша департаменті басшысының орынбасары",
            "wko-mse-department",
        ),
        Official(
            "employment",
            "Мұқанов Ерболат Жанұлы",
            "Жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар басқармасы басшысының орынбасары",
            "wko-employment-office",
        ),
        Official(
            "health",
            "Нұрғалиева Сәуле Қайратқызы",
            "Денсаулық сақтау басқармасының медициналық көмекті ұйымдастыру бөлімінің басшысы",
            "wko-health-office",
        ),
        Official(
            "terekti",
            "Бисенғалиев Талғат Мұратұлы",
            "Теректі ауданы әкімінің орынбасары",
            "terekti-akimat",
        ),
        Official(
            "karatobe",
            "Жақсыбаева Ләззат Ерланқызы",
            "Қаратөбе ауданы әкімінің орынбасары",
            "karatobe-akimat",
        ),
    )
}
# Present at the seed meeting besides the members (the bodies the press release names).
SEED_GUESTS = (
    ("Қайыржанов Асхат Бекұлы", "wko-mse-department"),
    ("Мұқанов Ерболат Жанұлы", "wko-employment-office"),
    ("Нұрғалиева Сәуле Қайратқызы", "wko-health-office"),
    ("Сағынтаев Арман Болатұлы", "wko-education-office"),
    ("Ізтұрғанова Меруерт Асқарқызы", "oral-akimat"),
    ("Оспанов Бауыржан Серікұлы", "kos-wko"),
)


PETITION = {
    "petitioner_kind": "ngo",
    "petitioner_name": "Оспанов Бауыржан Серікұлы",
    "contact_email": "kos-wko@demo.kopir.invalid",
    "publish_petitioner": True,
    "subject": "Медициналық-әлеуметтік сараптама және мүгедектігі бар адамдардың қызмет алуы",
    "text": (
        "Қазақ зағиптар қоғамының облыстық филиалы атынан кеңестің назарын мына мәселелерге "
        "аударамыз: көзі көрмейтін адамдар медициналық-әлеуметтік сараптаманың сырттай ресімдеу "
        "жүйесін өз бетінше пайдалана алмайды; сараптама шешімдері Брайль қарпімен және дыбыстық "
        "нұсқада берілмейді; мүгедектігі бар адамдарды жұмысқа орналастыру квоталары толық "
        "орындалмайды. Осы мәселелерді кеңес отырысында қарап, жергілікті атқарушы органдарға "
        "ұсыныс жолдауды сұраймыз."
    ),
}
PETITION_RECEIVED = dt.date(2026, 11, 10)


@dataclass(frozen=True)
class RecurringPetition:
    """A citizen's petition about a problem others raised too (the recurring-problem radar)."""

    received_on: dt.date
    district_kato: str
    petitioner_name: str
    contact_email: str
    contact_language: str
    subject: str
    text: str


# Three districts write about the ramp at their polyclinic, two Russian-speaking petitioners
# about the missing sign-language interpreter at the public service centre: two groups.
RECURRING_PETITIONS = (
    RecurringPetition(
        dt.date(2025, 2, 14),
        "273600000",
        "Сынақов Ерлан Болатұлы",
        "e.synakov@demo.kopir.invalid",
        "kk",
        "Ақсайдағы емханада пандус жоқ",
        "Ақсай қаласындағы аудандық емхананың кіреберісінде пандус жоқ, арбадағы адамдар "
        "дәрігерге кіре алмайды. Пандус салуды сұраймыз.",
    ),
    RecurringPetition(
        dt.date(2025, 9, 3),
        "276200000",
        "Үлгіқызы Айгүл",
        "a.ulgikyzy@demo.kopir.invalid",
        "kk",
        "Емхананың кіреберісіндегі пандус тым тік",
        "Федоровкадағы емхананың кіреберісіндегі пандус тым тік, арбамен кіру мүмкін емес. "
        "Пандусты қайта салуды сұраймыз.",
    ),
    RecurringPetition(
        dt.date(2026, 3, 20),
        "273200000",
        "Демонов Нұрлан Асқарұлы",
        "n.demonov@demo.kopir.invalid",
        "kk",
        "Чапаевтағы емханаға пандус керек",
        "Чапаев ауылындағы емханаға пандус салу керек: арбамен кіру мүмкін емес, адамдар "
        "дәрігерге кіре алмайды.",
    ),
    RecurringPetition(
        dt.date(2026, 5, 5),
        "271010000",
        "Примерова Ольга Ивановна",
        "o.primerova@demo.kopir.invalid",
        "ru",
        "Нет сурдопереводчика в ЦОНе Уральска",
        "В центре обслуживания населения Уральска нет сурдопереводчика, глухие люди не могут "
        "получить услугу без помощи родственников.",
    ),
    RecurringPetition(
        dt.date(2026, 8, 19),
        "274400000",
        "Тестов Иван Петрович",
        "i.testov@demo.kopir.invalid",
        "ru",
        "Сурдопереводчик в ЦОНе Бәйтерекского района",
        "В ЦОНе Бәйтерекского района нет сурдопереводчика, глухим людям не объясняют, какие "
        "документы нужны для получения услуги.",
    ),
)
