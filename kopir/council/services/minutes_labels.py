"""The fixed wording of the minutes (хаттама / протокол) in Kazakh and Russian.

The minutes are a legal document issued in both state languages. Their headings and stock phrases
are part of the document, not of the interface, so they are written here once per language rather
than left to the interface catalogue: a minute assembled today must read the same after the
catalogue changes. The contents (agenda titles, speeches, decisions) come from the records as typed.
The Kazakh wording is the one minutes are written in (docs/glossary.md): "ШЕШТІ:", "Қарсы",
"Қолтаңбалар", "Өткізу орны".
"""

from __future__ import annotations

from typing import Final

MINUTES_LANGUAGES: Final = ("kk", "ru")

LABELS: Final[dict[str, dict[str, str]]] = {
    "kk": {
        "title": "№ {number} отырыстың хаттамасы",
        "council": "Кеңес",
        "date": "Күні",
        "time": "Басталу уақыты",
        "place": "Өткізу орны",
        "format": "Өткізу нысаны",
        "online_link": "Онлайн қосылу сілтемесі",
        "attendance": "Отырысқа қатысқандар",
        "members_present": "Кеңес мүшелері",
        "absent": "Қатыспағандар",
        "guests": "Шақырылғандар",
        "officials": "Шақырылған лауазымды тұлғалар",
        "nobody": "жоқ",
        "quorum": "Кворум",
        "quorum_met": "Кеңестің {total} мүшесінің {present} мүшесі қатысты. Кворум бар.",
        "quorum_not_met": "Кеңестің {total} мүшесінің {present} мүшесі қатысты. Кворум жоқ.",
        "agenda": "Күн тәртібі",
        "rapporteur": "Баяндамашы",
        "speeches": "Сөз сөйлегендер",
        "official_answers": "Лауазымды тұлғалардың жауаптары",
        "decided": "ШЕШТІ",
        "votes": "Дауыс беру",
        "figures": "Келтірілген көрсеткіштер",
        "vote_question": "Мәселе",
        "vote_kind": "Тәсілі",
        "vote_for": "Жақтағандар",
        "vote_against": "Қарсы",
        "vote_abstain": "Қалыс қалғандар",
        "vote_result": "Нәтижесі",
        "recommendations": "Ұсынымдар",
        "recommendations_none": "Ұсынымдар әзірленген жоқ.",
        "send_due": "жіберу мерзімі",
        "answer_due": "жауап мерзімі",
        "no_deadline": "мерзімі белгіленбеген",
        "signatures": "Қолтаңбалар",
        "signed": "қол қойылды",
        "not_signed": "қол қойылмаған",
        "chair": "Төраға",
        "secretary": "Хатшы",
        "draft_mark": "ЖОБА: хаттама әлі бекітілмеген (нұсқа {version})",
        "approved_mark": "Хаттама {date} бекітілді, өзгертуге жабық (нұсқа {version})",
        "missing_text": "[мәтін қазақ тілінде енгізілмеген]",
    },
    "ru": {
        "title": "Протокол заседания № {number}",
        "council": "Совет",
        "date": "Дата",
        "time": "Время начала",
        "place": "Место проведения",
        "format": "Форма проведения",
        "online_link": "Ссылка для подключения",
        "attendance": "Присутствовали",
        "members_present": "Члены совета",
        "absent": "Отсутствовали",
        "guests": "Приглашённые",
        "officials": "Приглашённые должностные лица",
        "nobody": "нет",
        "quorum": "Кворум",
        "quorum_met": "Присутствовали {present} из {total} членов совета. Кворум имеется.",
        "quorum_not_met": "Присутствовали {present} из {total} членов совета. Кворум отсутствует.",
        "agenda": "Повестка дня",
        "rapporteur": "Докладчик",
        "speeches": "Выступили",
        "official_answers": "Ответы должностных лиц",
        "decided": "РЕШИЛИ",
        "votes": "Голосование",
        "figures": "Приведённые показатели",
        "vote_question": "Вопрос",
        "vote_kind": "Способ",
        "vote_for": "За",
        "vote_against": "Против",
        "vote_abstain": "Воздержались",
        "vote_result": "Итог",
        "recommendations": "Рекомендации",
        "recommendations_none": "Рекомендации не выработаны.",
        "send_due": "срок направления",
        "answer_due": "срок ответа",
        "no_deadline": "срок не установлен",
        "signatures": "Подписи",
        "signed": "подписано",
        "not_signed": "не подписано",
        "chair": "Председатель",
        "secretary": "Секретарь",
        "draft_mark": "ПРОЕКТ: протокол ещё не утверждён (версия {version})",
        "approved_mark": "Протокол утверждён {date}, изменения закрыты (версия {version})",
        "missing_text": "[текст на русском языке не введён]",
    },
}

MEETING_FORMATS: Final[dict[str, dict[str, str]]] = {
    "kk": {
        "regular": "Бетпе-бет отырыс",
        "offsite": "Көшпелі отырыс",
        "online": "Онлайн отырыс",
        "hybrid": "Аралас отырыс (бетпе-бет және онлайн)",
    },
    "ru": {
        "regular": "Очное заседание",
        "offsite": "Выездное заседание",
        "online": "Онлайн-заседание",
        "hybrid": "Смешанное заседание (очно и онлайн)",
    },
}

POSITIONS: Final[dict[str, dict[str, str]]] = {
    "kk": {
        "chair": "кеңес төрағасы",
        "deputy": "төрағаның орынбасары",
        "secretary": "кеңес хатшысы",
        "member": "кеңес мүшесі",
    },
    "ru": {
        "chair": "председатель совета",
        "deputy": "заместитель председателя",
        "secretary": "секретарь совета",
        "member": "член совета",
    },
}

PRESENCE: Final[dict[str, dict[str, str]]] = {
    "kk": {"in_person": "бетпе-бет", "online": "онлайн"},
    "ru": {"in_person": "очно", "online": "онлайн"},
}

VOTE_KINDS: Final[dict[str, dict[str, str]]] = {
    "kk": {"roll_call": "атаулы дауыс беру", "counted": "дауыстарды санау"},
    "ru": {"roll_call": "поимённое голосование", "counted": "подсчёт голосов"},
}

# "Approved unanimously" is the phrase the seed itself uses (бірауыздан).
VOTE_RESULTS: Final[dict[str, dict[str, str]]] = {
    "kk": {
        "unanimous": "бірауыздан бекітілді",
        "approved": "көпшілік дауыспен бекітілді",
        "rejected": "бекітілмеді",
        "no_quorum": "кворум болмағандықтан шешім қабылданбады",
        "open": "дауыс беру аяқталмаған",
        "annulled": "{result}; дауыс беруді кеңес төрағасы жойды, себебі: {reason}",
    },
    "ru": {
        "unanimous": "единогласно утверждено",
        "approved": "утверждено большинством голосов",
        "rejected": "не утверждено",
        "no_quorum": "решение не принято: нет кворума",
        "open": "голосование не завершено",
        "annulled": "{result}; голосование аннулировано председателем совета, причина: {reason}",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    text = LABELS[lang][key]
    return text.format(**values) if values else text
