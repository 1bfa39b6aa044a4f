"""The meetings of the council demo: the offsite meeting in Terekti, the online meeting with
Karatobe, the seed's meeting "at the regional branch" (agenda, officials, speeches, votes,
decisions), and the next meeting with its accommodation requests. Kazakh, synthetic people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kopir.council.demo.meetings_data import SEED_GUESTS, SEED_MEETING_NUMBER, at


@dataclass(frozen=True)
class Speech:
    speaker: str  # a seat key, an official key, or a name
    summary: str
    answer: bool = False


@dataclass(frozen=True)
class Item:
    title: str
    question: str
    decision: str
    rapporteur: str = ""
    officials: tuple[str, ...] = ()
    speeches: tuple[Speech, ...] = ()
    decides: str = ""  # "plan" or "composition"
    petition: bool = False


@dataclass(frozen=True)
class DemoMeeting:
    number: int
    format: str
    starts_at: dt.datetime
    plan_key: str
    items: tuple[Item, ...]
    place: str = ""
    online_link: str = ""
    absent: tuple[str, ...] = ()
    online: tuple[str, ...] = ()
    roll_call: bool = True
    guests: tuple[tuple[str, str], ...] = field(default_factory=tuple)


MEETINGS = (
    DemoMeeting(
        number=1,
        format="offsite",
        starts_at=at(2026, 5, 21, 11),
        place="Теректі ауданы, Федоровка ауылы, аудандық мәдениет үйі",
        plan_key="terekti",
        absent=("otepov", "temirgaliev"),
        roll_call=False,
        items=(
            Item(
                title="Теректі ауданындағы мүгедектігі бар адамдарға әлеуметтік қызмет көрсетудің қолжетімділігі",
                question="Аудан әкімдігіне ұсынымдарды бекіту",
                decision="Аудан әкімдігіне ауылдық округтерде әлеуметтік қызметкерлердің үйге барып қызмет көрсетуін кеңейту ұсынылсын.",
                rapporteur="Ғабдуллина Айгүл Маратқызы",
                officials=("terekti",),
                speeches=(
                    Speech(
                        "deputy",
                        "Шалғай ауылдарда тұратын мүгедектігі бар адамдар аудан орталығына жету үшін көлік таппайтынын айтты.",
                    ),
                    Speech(
                        "terekti",
                        "Әкімдік 2026 жылы әлеуметтік такси қызметін екі ауылдық округке кеңейтуді жоспарлап отырғанын хабарлады.",
                        answer=True,
                    ),
                ),
            ),
        ),
    ),
    DemoMeeting(
        number=2,
        format="online",
        starts_at=at(2026, 8, 20, 15),
        online_link="https://meet.demo.kopir.invalid/wko-social-karatobe",
        plan_key="karatobe",
        absent=("otepov", "abilova", "temirgaliev"),
        online=("chair", "deputy", "secretary", "kuanysheva", "seitkaliev", "nurmukhambetova"),
        roll_call=False,
        items=(
            Item(
                title="Қаратөбе ауданындағы отбасы, әйелдер және балалар құқықтарын қорғау мәселелері",
                question="Аудан басшылығына ұсыныстарды бекіту",
                decision="Аудан әкімдігіне отбасылық-тұрмыстық зорлық-зомбылықтың алдын алу жөніндегі жұмысты күшейту және отбасын қолдау орталығының жұмысын кеңейту ұсынылсын.",
                rapporteur="Нұрмұхамбетова Жанар Сағынқызы",
                officials=("karatobe",),
                speeches=(
                    Speech(
                        "nurmukhambetova",
                        "Көпбалалы отбасылардың балабақша мен үйірмелерге қолжетімділігі төмен екенін атап өтті.",
                    ),
                    Speech(
                        "karatobe",
                        "Ауданда отбасын қолдау орталығы ашылғанын, психолог пен заңгердің кеңестері тегін екенін хабарлады.",
                        answer=True,
                    ),
                ),
            ),
        ),
    ),
    DemoMeeting(
        number=SEED_MEETING_NUMBER,
        format="regular",
        starts_at=at(2026, 11, 24, 15),
        place="«AMANAT» партиясы Батыс Қазақстан облыстық филиалы, мәжіліс залы, Орал қ.",
        plan_key="seed",
        absent=("otepov",),
        online=("nurmukhambetova",),
        guests=SEED_GUESTS,
        items=(
            Item(
                title="Жеке оңалту бағдарламасының түйткілді мәселелері",
                question="Жеке оңалту бағдарламасы бойынша ұсыныстар мен ұсынымдарды бекіту",
                decision="Жеке оңалту бағдарламасы бойынша ұсыныстар мен ұсынымдар отырыс хаттамасына енгізіліп, орындау үшін жергілікті атқарушы органдарға жіберілсін.",
                rapporteur="Жұмабаев Ерлан Серікұлы",
                officials=("labour", "employment"),
                speeches=(
                    Speech(
                        "chair",
                        "Жеке оңалту бағдарламасындағы іс-шаралардың кешігетінін, техникалық көмекші құралдар мен арнайы жиһазды алуда кезек ұзақ екенін атап өтті.",
                    ),
                    Speech(
                        "seitkaliev",
                        "Бағдарламаға енгізілген санаторий-курорттық емдеу мен протездеу туралы адамдарға уақытылы хабарланбайтынын айтты.",
                    ),
                    Speech(
                        "labour",
                        "Департамент жеке оңалту бағдарламаларының орындалу мониторингін күшейткенін, техникалық көмекші құралдарды беру мерзімдері әлеуметтік қызметтер порталы арқылы бақыланатынын түсіндірді.",
                        answer=True,
                    ),
                    Speech(
                        "employment",
                        "Басқарма техникалық көмекші құралдарды сатып алу конкурстарын жыл басында өткізіп, кезекті қысқартуды жоспарлап отырғанын хабарлады.",
                        answer=True,
                    ),
                ),
            ),
            Item(
                title="Медициналық-әлеуметтік сараптаманы сырттай ресімдеу жүйесінің жетілмегендігі",
                question="Сырттай ресімдеу жүйесі бойынша ұсыныстарды бекіту",
                decision="Сырттай ресімдеу жүйесін жетілдіру жөніндегі ұсыныстар Еңбек, әлеуметтік қорғау және көші-қон комитетінің облыстық департаментіне және облыстық денсаулық сақтау басқармасына жіберілсін.",
                officials=("labour", "health"),
                speeches=(
                    Speech(
                        "deputy",
                        "Медициналық құжаттар ақпараттық жүйеге толық жіберілмегендіктен адамдар сараптамаға бірнеше рет шақырылатынын айтты.",
                    ),
                    Speech(
                        "health",
                        "Емханалардың МӘС-ке жолдама ресімдеу кезінде құжаттарды толық енгізуі бақылауға алынатынын, дәрігерлерге оқыту семинарлары өтетінін хабарлады.",
                        answer=True,
                    ),
                    Speech(
                        "labour",
                        "Сырттай сараптамада қосымша тексеру қажет болса, азаматқа SMS-хабарлама жіберілетінін, жүйені жетілдіру жөніндегі ұсыныстар министрлікке жолданатынын айтты.",
                        answer=True,
                    ),
                ),
            ),
            Item(
                title="Мемлекеттік органдар арасындағы ведомствоаралық байланыстың болмауы",
                question="Ведомствоаралық байланыс жөніндегі ұсынымдарды бекіту",
                decision="Мемлекеттік органдар арасындағы ведомствоаралық байланысты жолға қою жөніндегі ұсынымдар жергілікті атқарушы органдарға жіберілсін.",
                officials=("employment", "health", "labour"),
                speeches=(
                    Speech(
                        "temirgaliev",
                        "Деректер алмасу болмағандықтан мүгедектігі бар адам бір құжатты бірнеше мекемеге тапсыруға мәжбүр екенін атап өтті.",
                    ),
                    Speech(
                        "employment",
                        "Карьера орталығы мен МӘС бөлімдері арасында ай сайын деректерді салыстыру енгізілетінін хабарлады.",
                        answer=True,
                    ),
                ),
            ),
            Item(
                title="Кеңестің 2026 жылғы жұмыс жоспарын бекіту",
                question="Кеңестің 2026 жылғы жұмыс жоспарын бекіту",
                decision="Кеңестің 2026 жылғы жұмыс жоспары бекітілсін.",
                rapporteur="Бекова Айжан Нұрланқызы",
                decides="plan",
                speeches=(
                    Speech(
                        "secretary",
                        "Жұмыс жоспарының жобасын таныстырды: мониторингтер, көшпелі және онлайн отырыстар, қоғамдық тыңдаулар.",
                    ),
                ),
            ),
            Item(
                title="Кеңестің жаңа құрамын бекіту",
                question="Кеңестің жаңа құрамын бекіту",
                decision="Кеңестің жаңа құрамы бекітілсін.",
                rapporteur="Жұмабаев Ерлан Серікұлы",
                decides="composition",
                speeches=(
                    Speech(
                        "chair",
                        "Екі кеңестің бірігуіне байланысты жаңа құрамды таныстырды: құрамға Қазақ зағиптар қоғамы облыстық филиалының төрағасы мен ата-аналар бірлестіктерінің өкілдері енгізілді.",
                    ),
                ),
            ),
            Item(
                title="Қазақ зағиптар қоғамы облыстық филиалы төрағасының өтініші",
                question="Өтініш бойынша ұсыныстарды бекіту",
                decision="Өтініш қаралды деп есептелсін; көтерілген мәселелер бойынша ұсыныстар жергілікті атқарушы органдарға жіберіліп, өтініш берушіге жауап жолдансын.",
                rapporteur="Оспанов Бауыржан Серікұлы",
                officials=("labour", "employment", "health"),
                petition=True,
                speeches=(
                    Speech(
                        "Оспанов Бауыржан Серікұлы",
                        "Медициналық-әлеуметтік сараптаманың түйткілді тұстарын, көзі көрмейтін адамдардың қызмет алу кезіндегі кедергілерін және мүгедектігі бар адамдарды жұмысқа орналастыру мәселесін көтерді.",
                    ),
                    Speech(
                        "employment",
                        "Жұмыс орындарын квоталау және әлеуметтік жұмыс орындарын субсидиялау бағдарламалары бойынша түсініктеме берді.",
                        answer=True,
                    ),
                    Speech(
                        "labour",
                        "МӘС шешімдерін Брайль қарпімен және дыбыстық нұсқада беру мүмкіндігі қарастырылатынын айтты.",
                        answer=True,
                    ),
                ),
            ),
        ),
    ),
)

# The next meeting, planned: the year's results. Two participants asked for accommodations.
NEXT_MEETING: dict[str, Any] = {
    "number": 4,
    "format": "hybrid",
    "starts_at": at(2026, 12, 22, 15),
    "place": "«AMANAT» партиясы Батыс Қазақстан облыстық филиалы, мәжіліс залы, Орал қ.",
    "online_link": "https://meet.demo.kopir.invalid/wko-social-december",
    "plan_key": "year-results",
    "agenda": "Жыл қорытындысы: ұсынымдардың орындалуы туралы атқарушы органдардың ақпараты",
}
ACCOMMODATIONS = (
    ("ospanov", "braille", "Күн тәртібі мен материалдар Брайль қарпімен, қазақ тілінде", "", ""),
    (
        "seitkaliev",
        "step_free",
        "Кресло-арбамен кіру",
        "arranged",
        "Отырыс бірінші қабаттағы залда өтеді, кіреберісте пандус бар.",
    ),
)
