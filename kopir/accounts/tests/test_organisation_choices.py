"""The organisation drop-downs of the account forms list names in the reader's alphabet."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NAMES = [
    # (Kazakh, Russian)
    ("Тараз емханасы", "Поликлиника Тараза"),
    ("Қарағанды емханасы", "Карагандинская поликлиника"),
    ("Әлеуметтік орталық", "Социальный центр"),
    ("Алматы емханасы", "Алматинская поликлиника"),
    ("Күміс орталығы", "Центр Кумис"),
]


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="organisation".*?</select>', html, re.S)
    assert select is not None
    return [text for value, text in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)<', select[0])]


@pytest.mark.parametrize("page", ["/{lang}/accounts/users/", "/{lang}/accounts/users/new/"])
def test_organisations_are_listed_in_the_readers_alphabet(admin_client: Client, page: str) -> None:
    for kk, ru in NAMES:
        OrganisationFactory(name_kk=kk, name_ru=ru)
    kazakh = _options(admin_client.get(page.format(lang="kk")).content.decode())
    russian = _options(admin_client.get(page.format(lang="ru")).content.decode())
    ours_kk = [name for name in kazakh if name in {kk for kk, _ru in NAMES}]
    ours_ru = [name for name in russian if name in {ru for _kk, ru in NAMES}]
    assert ours_kk == [
        "Алматы емханасы",
        "Әлеуметтік орталық",
        "Күміс орталығы",
        "Қарағанды емханасы",
        "Тараз емханасы",
    ]
    assert ours_ru == [
        "Алматинская поликлиника",
        "Карагандинская поликлиника",
        "Поликлиника Тараза",
        "Социальный центр",
        "Центр Кумис",
    ]
