"""The codings a FHIR referral may carry, read from the table `data/fhir-codings.json`.

A medical information system codes its observations in LOINC (or SNOMED CT), its body sites in
SNOMED CT or plain text, its documents in LOINC. The table maps those onto Kopir's own values;
Kopir's `urn:kopir:*` systems stay accepted as the fallback. The table is data, not a model: it
changes with a reviewed commit (each code is checked against a published value set first, see
docs/domain/identifiers.md §5), the published profiles and the CapabilityStatement are built from
the same file, so what Kopir says it reads is what it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.utils import translation

from kopir.assessment.models import DocumentType, FindingKind, LimitationCategory, Side

TABLE_PATH = Path(__file__).parent / "data" / "fhir-codings.json"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
FINDING_SYSTEM = "urn:kopir:finding-kind"
LIMITATION_SYSTEM = "urn:kopir:life-limitation"
SIDE_SYSTEM = "urn:kopir:side"
DOCUMENT_TYPE_SYSTEM = "urn:kopir:document-type"

# Which organ a sided kind of finding is about: a body site naming another organ is refused.
FINDING_ORGANS: dict[str, str] = {
    FindingKind.VISUAL_ACUITY: "eye",
    FindingKind.VISUAL_FIELD: "eye",
    FindingKind.HEARING_THRESHOLD: "ear",
}


T = TypeVar("T")


@dataclass(frozen=True)
class FindingCode:
    kind: str
    side: str = ""  # a code that names the eye ("... Right eye") implies the side


@dataclass(frozen=True)
class BodySite:
    side: str
    organ: str = ""  # "eye", "ear" or "" for a laterality alone


@dataclass(frozen=True)
class Codings:
    findings: dict[tuple[str, str], FindingCode]
    body_sites: dict[tuple[str, str], BodySite]
    body_site_texts: dict[str, BodySite]
    document_types: dict[tuple[str, str], str]
    # The verified rows as the file has them, for the published profiles.
    rows: dict[str, list[dict[str, Any]]]
    version: str


def normalise_text(text: str) -> str:
    """Lower case, no punctuation, single spaces: "Right  eye." and "right eye" are the same."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@cache
def codings() -> Codings:
    raw = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    rows = {
        name: [row for row in raw[name] if row.get("verified") is True]
        for name in ("findings", "body_sites", "document_types")
    }
    texts: dict[str, BodySite] = {}
    for group in raw["body_site_texts"]:
        for text in group["texts"]:
            texts[normalise_text(text)] = BodySite(group["side"], group["organ"])
    return Codings(
        findings={
            (row["system"], row["code"]): FindingCode(row["kind"], row.get("side", ""))
            for row in rows["findings"]
        },
        body_sites={
            (row["system"], row["code"]): BodySite(row["side"], row["organ"])
            for row in rows["body_sites"]
        },
        body_site_texts=texts,
        document_types={
            (row["system"], row["code"]): row["document_type"] for row in rows["document_types"]
        },
        rows=rows,
        version=raw["source"]["version"],
    )


def table_version() -> str:
    return codings().version


def _codes(table: dict[tuple[str, str], Any]) -> dict[str, list[str]]:
    by_system: dict[str, list[str]] = {}
    for system, code in table:
        by_system.setdefault(system, []).append(code)
    return by_system


def _listed(by_system: dict[str, list[str]]) -> str:
    return "; ".join(f"{system}: {', '.join(codes)}" for system, codes in by_system.items())


def accepted_observation_codes() -> str:
    """Every coding an Observation.code may carry, for error messages and the profiles."""
    return _listed(
        {
            **_codes(codings().findings),
            FINDING_SYSTEM: list(FindingKind.values),
            LIMITATION_SYSTEM: list(LimitationCategory.values),
        }
    )


def accepted_body_sites() -> str:
    return _listed({**_codes(codings().body_sites), SIDE_SYSTEM: list(Side.values)})


def accepted_document_types() -> str:
    return _listed({**_codes(codings().document_types), DOCUMENT_TYPE_SYSTEM: DocumentType.values})


def _codings_of(concept: Any) -> list[Any]:
    return [c for c in getattr(concept, "coding", None) or [] if c.code]


def _coded(
    concept: Any, own_system: str, own: Callable[[str], T], table: Mapping[tuple[str, str], T]
) -> T | None:
    """What `concept` codes: Kopir's own coding in `own_system` first (read by `own`), then the
    table's."""
    for coding in _codings_of(concept):
        if coding.system == own_system:
            return own(coding.code)
    for coding in _codings_of(concept):
        if (coding.system, coding.code) in table:
            return table[(coding.system, coding.code)]
    return None


def finding_code(concept: Any) -> FindingCode | None:
    """Kopir's kind of finding for an Observation.code: its own coding first, then the table's."""
    return _coded(concept, FINDING_SYSTEM, FindingCode, codings().findings)


def body_site(concept: Any) -> BodySite | None:
    """The side an Observation.bodySite names (by Kopir's, the table's coding, or its text)."""
    table = codings().body_sites
    for coding in _codings_of(concept):
        if coding.system in (SIDE_SYSTEM, None) and coding.code.lower() in Side.values:
            return BodySite(coding.code.lower())
        if (coding.system, coding.code) in table:
            return table[(coding.system, coding.code)]
    text = getattr(concept, "text", None) or ""
    found = codings().body_site_texts.get(normalise_text(text))
    if found is None and normalise_text(text) in Side.values:
        found = BodySite(normalise_text(text))
    return found


def document_type(concept: Any) -> str | None:
    """The document type a DocumentReference.type codes: Kopir's coding first, then the table's."""
    return _coded(concept, DOCUMENT_TYPE_SYSTEM, str, codings().document_types)


def unknown_codings(concept: Any) -> str:
    """The codings a sender gave, as "system|code", for the message that refuses them."""
    return ", ".join(f"{c.system or ''}|{c.code}" for c in _codings_of(concept))


def choice_from_text(choices: Any, text: str) -> str | None:
    """The value of a Kopir choice whose label, in English, Kazakh or Russian, is `text`
    ("Re-examination", "Переосвидетельствование", "Қайта куәландыру")."""
    wanted = normalise_text(text)
    if not wanted:
        return None
    for language in ("en", "kk", "ru"):
        with translation.override(language):
            for value, label in choices.choices:
                if normalise_text(str(label)) == wanted or wanted == value:
                    return str(value)
    return None
