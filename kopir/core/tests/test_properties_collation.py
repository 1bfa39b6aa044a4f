"""The paged lists' stored sort text (`alphabet_sort_text`) orders any two names exactly as the
choice lists' `alphabet_key` does: the database compares the text by code point, Python the
key, and a list must not change its order between the two."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kopir.core.collation import KAZAKH_ALPHABET, alphabet_key, alphabet_sort_text

PROPERTY = settings(max_examples=500, deadline=None)
# Names as they come: both alphabets in either case, digits of any script, spaces, "№", quotes
# and punctuation, Latin; and any text at all.
NAMEISH = st.text(
    alphabet=st.one_of(
        st.sampled_from(KAZAKH_ALPHABET + KAZAKH_ALPHABET.upper()),
        st.sampled_from('0123456789 №«»"-.,()/'),
        st.characters(categories=["Nd"]),
        st.sampled_from("AbcZz"),
    ),
    max_size=12,
)
NAMES = st.one_of(NAMEISH, st.text(max_size=8))


def _compare(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


@PROPERTY
@given(NAMES, NAMES)
@example("Емхана № 9", "Емхана № 10")
@example("№ 09", "№ 9")
@example("№ 0", "№ 00")
@example("А № 4", "А № 4 бөлім")
@example("Орал қаласы", "Орал қаласының")
@example("12 мектеп", "Znamya")
def test_the_sort_text_compares_as_the_key_does(a: str, b: str) -> None:
    assert _compare(alphabet_sort_text(a), alphabet_sort_text(b)) == _compare(
        alphabet_key(a), alphabet_key(b)
    )


def test_numbered_names_sort_by_their_number_and_kazakh_letters_in_their_place() -> None:
    names = ["Емхана № 32", "Ұлы емхана", "Емхана № 10", "Әлем емханасы", "Емхана № 9"]
    assert sorted(names, key=alphabet_sort_text) == [
        "Әлем емханасы", "Емхана № 9", "Емхана № 10", "Емхана № 32", "Ұлы емхана",
    ]  # fmt: skip
