"""Text helpers shared by every app."""

from __future__ import annotations


def fold_for_search(*parts: str) -> str:
    """Fold text for matching: case folded (Cyrillic included), ё as е, spaces collapsed.

    SQLite's LIKE folds case for Latin letters only, so Kopir stores a folded copy of the names it
    searches and folds the query the same way; this is the one definition of "the same way".
    """
    return " ".join(" ".join(parts).casefold().replace("ё", "е").split())
