"""The texts of the follow-up demo: recommendations from the seed meeting's first item, the
monitoring visits the chair listed, and the six letters to the Mazhilis. All synthetic."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

# What each demo recommendation goes through (see demo_followup.load).
EXECUTED = "executed"  # answered, accepted by the council as executed
NOT_ACCEPTED = "not_accepted"  # answered, the council did not accept the answer
IN_PROGRESS = "in_progress"  # the addressee reported progress
SENT = "sent"  # sent, the answer is not due yet
OVERDUE = "overdue"  # sent after an earlier meeting, never answered: escalated
AWAITING_REVIEW = "awaiting_review"  # answered (partly executed), the council has not reviewed yet


@dataclass(frozen=True)
class DemoRecommendation:
    addressee: str
    text: str
    path: str
    answer: str = ""
    verdict_note: str = ""
    # "seed": the first item of the seed meeting; "earlier": the first item of the council's
    # earliest meeting (the offsite meeting in Terekti), long enough ago to be overdue.
    source: str = "seed"


RECOMMENDATIONS: tuple[DemoRecommendation, ...] = (
    DemoRecommendation(
        addressee="wko-employment-office",
        text=(
            "Мүгедектігі бар адамдарды жұмысқа орналастыру үшін белгіленген квоталардың орындалуын "
            "тоқсан сайын талдап, квотаны орындамаған жұмыс берушілер тізімін кеңеске ұсыну."
        ),
        path=IN_PROGRESS,
        answer=(
            "Квоталардың орындалуына талдау басталды: облыстағы 214 жұмыс берушінің деректері "
            "жиналуда. Алдын ала қорытынды келесі тоқсанның басында кеңеске ұсынылады."
        ),
    ),
    DemoRecommendation(
        addressee="wko-health-office",
        text=(
            "Мүгедектігі бар адамдардың жеке оңалту бағдарламаларының медициналық бөлігінің "
            "орындалуын қамтамасыз ету, оңалту шаралары мерзімінің бұзылу себептерін талдау."
        ),
        path=NOT_ACCEPTED,
        answer="Жеке оңалту бағдарламаларының медициналық бөлігі жалпы алғанда орындалуда.",
        verdict_note=(
            "Жауапта нақты сандар мен мерзімдер жоқ, бұзушылықтардың себептері талданбаған; "
            "орындалуын растайтын құжат ұсынылмаған."
        ),
    ),
    DemoRecommendation(
        addressee="wko-mse-department",
        text=(
            "Сырттай медициналық-әлеуметтік сараптама кезінде жіберілетін құжаттардың толықтығын "
            "тексеру тәртібін жетілдіріп, құжаттар толық болмағандықтан қайтарылған істердің "
            "үлесін азайту."
        ),
        path=EXECUTED,
        answer=(
            "Құжаттардың толықтығын тексеру парағы енгізілді, медициналық ұйымдарға әдістемелік "
            "хат жіберілді. Қайтарылған істердің үлесі 18%-дан 6%-ға дейін төмендеді; анықтама "
            "қоса беріледі."
        ),
    ),
    DemoRecommendation(
        addressee="oral-akimat",
        text=(
            "Мемлекеттік органдар арасында мүгедектігі бар адамдар туралы деректермен "
            "ведомствоаралық алмасуды жолға қою: азаматтан бір рет ұсынылған құжатты қайта "
            "талап етпеу."
        ),
        path=SENT,
    ),
    DemoRecommendation(
        addressee="wko-education-office",
        text=(
            "Қала мектептерінде кедергісіз ортаны қамтамасыз ету: кіреберістерде пандустар, "
            "тактильді жабын, Брайль қарпімен белгілер орнату, есту қабілеті бұзылған балаларға "
            "ымдау тілі маманының көмегін ұйымдастыру."
        ),
        path=AWAITING_REVIEW,
        answer=(
            "Үш мектепте пандустар мен тактильді жабын орнатылды; қалған мектептерде жұмыс келесі "
            "жылдың бюджетіне енгізілді. Ымдау тілі маманы бір мектепке ғана бөлінді."
        ),
    ),
    DemoRecommendation(
        addressee="terekti-akimat",
        text=(
            "Теректі ауданының ауылдық округтерінде мүгедектігі бар адамдарға әлеуметтік қызметтер "
            "туралы ақпаратты жеткізу үшін аудандық жұмыспен қамту орталығымен және емханалармен "
            "деректер алмасуды жолға қою."
        ),
        path=OVERDUE,
        source="earlier",
    ),
)


@dataclass(frozen=True)
class DemoSchool:
    code: str
    names: tuple[str, str, str]
    short_names: tuple[str, str, str]


# Two city schools the council monitored (synthetic names), added to the directory by this demo.
CITY_SCHOOLS: tuple[DemoSchool, ...] = (
    DemoSchool(
        code="oral-school-9",
        names=(
            "Орал қаласының № 9 жалпы білім беретін мектебі",
            "Общеобразовательная школа № 9 города Уральска",
            "Oral general school No. 9",
        ),
        short_names=("№ 9 мектеп", "Школа № 9", "School No. 9"),
    ),
    DemoSchool(
        code="oral-school-32",
        names=(
            "Орал қаласының № 32 жалпы білім беретін мектебі",
            "Общеобразовательная школа № 32 города Уральска",
            "Oral general school No. 32",
        ),
        short_names=("№ 32 мектеп", "Школа № 32", "School No. 32"),
    ),
)


@dataclass(frozen=True)
class DemoVisit:
    site: str
    days_before_meeting: int
    purpose: str
    summary: str
    # Accessibility checklist answers, in the template's order: (answer, note).
    answers: tuple[tuple[str, str], ...]
    findings: tuple[str, ...]
    photo_title: str
    photo_description: str
    recommend_first_finding: bool = False


VISITS: tuple[DemoVisit, ...] = (
    DemoVisit(
        site="oral-school-9",
        days_before_meeting=70,
        purpose="Мектеп ғимаратының мүгедектігі бар балалар үшін қолжетімділігін тексеру",
        summary="Кіреберіс пен бірінші қабат қолжетімді, жоғарғы қабаттарға көтергіш жоқ.",
        answers=(
            ("yes", ""),
            ("partly", "Пандус бар, бірақ тұтқасы бір жақта ғана."),
            ("no", "Тактильді жабын жоқ."),
            ("no", ""),
            ("yes", ""),
            ("not_checked", ""),
            ("no", ""),
            (
                "partly",
                "Сайттың нұсқасы нашар көретіндерге арналған, бірақ суреттерге сипаттама жоқ.",
            ),
        ),
        findings=("Мектепте тактильді жабын мен Брайль қарпімен белгілер жоқ.",),
        photo_title="Мектептің кіреберісі",
        photo_description="Кіреберістегі пандус: тұтқасы тек сол жағында, көлбеуі нормадан тік.",
    ),
    DemoVisit(
        site="oral-school-32",
        days_before_meeting=63,
        purpose="Инклюзивті білім беру жағдайларын тексеру",
        summary="Инклюзивті сыныптар бар, бірақ арнайы педагогтар жетіспейді.",
        answers=(
            ("no", "Кіреберісте үш баспалдақ, пандус жоқ."),
            ("no", ""),
            ("no", ""),
            ("no", ""),
            ("partly", "Дәретхана бірінші қабатта, бірақ есігі тар."),
            ("no", ""),
            ("no", ""),
            ("no", ""),
        ),
        findings=(
            "Мектептің кіреберісінде пандус жоқ, кресло-арбамен кіру мүмкін емес.",
            "Арнайы педагогтар мен тьюторлар жетіспейді.",
        ),
        photo_title="Кіреберістегі баспалдақтар",
        photo_description="Мектептің негізгі кіреберісі: үш баспалдақ, пандус та, қоңырау да жоқ.",
    ),
    DemoVisit(
        site="wko-school-hearing-impaired",
        days_before_meeting=42,
        purpose="Есту қабілеті бұзылған балаларға арналған мектептің жағдайымен танысу",
        summary=(
            "Сыныптарда индукциялық жүйе жоқ, ымдау тілі мамандары жетіспейді; мектеп сайты "
            "субтитрсіз бейнелерден тұрады."
        ),
        answers=(
            ("yes", ""),
            ("yes", ""),
            ("partly", "Тек бірінші қабатта."),
            ("no", ""),
            ("yes", ""),
            ("partly", "Ымдау тілі маманы екі сыныпқа бір ғана."),
            ("no", "Акт залында да индукциялық жүйе жоқ."),
            ("no", "Бейнелерде субтитр жоқ."),
        ),
        findings=(
            "Ымдау тілі мамандары жетіспейді: бір маман екі сыныпқа қызмет көрсетеді.",
            "Сыныптар мен акт залында индукциялық жүйе орнатылмаған.",
        ),
        photo_title="Сынып бөлмесі",
        photo_description="Сынып: мұғалімнің үстелі, интерактивті тақта; индукциялық жүйенің белгісі жоқ.",
        recommend_first_finding=True,
    ),
)


@dataclass(frozen=True)
class DemoLetter:
    number: str
    days_before_meeting: int
    subject: str
    summary: str
    reply: str = ""


# Six letters to the Mazhilis with proposals to amend the laws on family and domestic relations.
LETTERS: tuple[DemoLetter, ...] = (
    DemoLetter(
        "1",
        200,
        "«Неке (ерлі-зайыптылық) және отбасы туралы» Кодекске түзетулер туралы",
        "Ажырасу кезінде балаларға алимент өндіру тәртібін жеңілдету туралы ұсыныстар.",
    ),
    DemoLetter(
        "2",
        180,
        "Тұрмыстық зорлық-зомбылық профилактикасы туралы заңға өзгерістер",
        "Қорғау нұсқамасының мерзімін ұзарту және зардап шеккендерге уақытша баспана беру.",
        reply=("Мәжіліс аппараты ұсыныстар тиісті жұмыс тобына қарауға жіберілгенін хабарлады."),
    ),
    DemoLetter(
        "3",
        150,
        "Мүгедектігі бар баланы тәрбиелеп отырған отбасыларды қолдау туралы",
        "Мүгедектігі бар баланы тәрбиелеушіге төленетін жәрдемақыны отбасы табысына "
        "қарамастан сақтау.",
    ),
    DemoLetter(
        "4",
        120,
        "Көп балалы және толық емес отбасылардың құқықтарын қорғау туралы",
        "Толық емес отбасыларға тұрғын үй кезегінде басымдық беру ұсынысы.",
    ),
    DemoLetter(
        "5",
        90,
        "Балаларды асырап алу рәсімін жетілдіру туралы",
        "Асырап алушыларды даярлау курстарын онлайн өткізуге рұқсат беру.",
    ),
    DemoLetter(
        "6",
        60,
        "Отбасылық-тұрмыстық қатынастар саласындағы құқық бұзушылықтар үшін жауапкершілік туралы",
        "Әкімшілік құқық бұзушылық туралы кодекстегі жауапкершілік шараларын нақтылау.",
    ),
)


# One dossier: the Society of the Blind's petition and what followed from it, with the first
# monitoring visit added by hand.
DOSSIER_TITLE = "Көзі көрмейтін адамдардың сырттай МӘС-ке қолжетімділігі"
DOSSIER_DESCRIPTION = (
    "Көзі көрмейтін адамдар сырттай ресімдеу кезінде хабарламалар мен құжаттарды оқи алмайды."
)


def synthetic_png(width: int = 96, height: int = 64, shade: int = 170) -> bytes:
    """A small grey PNG standing in for a photo (the demo holds no real images)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes([shade, shade, shade]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
