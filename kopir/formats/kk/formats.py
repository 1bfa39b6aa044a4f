"""Kazakh date and number formats. Django ships none for kk, so dates would read "Наурыз 22, 2026".

Kazakhstan writes dates day-first with dots (22.03.2026), a space between thousands and a comma
before decimals (1 234 567,89): the same conventions as the national standard ҚР СТ and Babel's kk data.
"""

DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 22.03.2026
    "%d.%m.%y",  # 22.03.26
    "%Y-%m-%d",  # 2026-03-22 (ISO, and what <input type="date"> sends)
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space, so 1 234 567 never wraps mid-number
NUMBER_GROUPING = 3
