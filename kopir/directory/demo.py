"""The West Kazakhstan demo: territories from the KATO extract and every body named in the seed.

Idempotent: organisations are keyed on `code` and territories on their KATO code, and a record is
written only when it differs, so a second run changes nothing. Other apps' demos rely on the codes
in DEMO_ORGANISATIONS.

The BINs are synthetic: composed with the real check digit (so validation accepts them) from fixed
serials, never looked up. Any match with a real organisation's BIN is a coincidence.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kopir.audit.models import AuditChannel
from kopir.core.identifiers import make_bin
from kopir.directory.models import NoticeLanguage, Organisation, OrganisationKind, Territory
from kopir.directory.services import organisation_sync, territories_load_file

DATA_DIR = Path(__file__).resolve().parent / "data"
TERRITORY_FILES = (DATA_DIR / "kato-wko.json", DATA_DIR / "kopir-territories.json")

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


# The organisations are data, kept beside the territories as JSON: parents come before their
# units; names follow the news report the demo is built on and docs/domain/README.md §2.
DEMO_ORGANISATIONS_FILE = DATA_DIR / "demo-organisations.json"


def _read_organisations() -> tuple[DemoOrganisation, ...]:
    rows = json.loads(DEMO_ORGANISATIONS_FILE.read_text(encoding="utf-8"))["organisations"]
    return tuple(
        DemoOrganisation(
            code=row["code"],
            kind=OrganisationKind(row["kind"]),
            territory=row["territory"],
            names=_three(row["names"]),
            short_names=_three(row["short_names"]),
            bin=_synthetic_bin(row["bin"]),
            parent=row.get("parent"),
            notice_language=NoticeLanguage(row.get("notice_language", NoticeLanguage.KAZAKH)),
        )
        for row in rows
    )


def _three(names: list[str]) -> tuple[str, str, str]:
    kk, ru, en = names
    return kk, ru, en


def _synthetic_bin(row: dict[str, Any] | None) -> SyntheticBin | None:
    if row is None:
        return None
    return SyntheticBin(
        registered=dt.date.fromisoformat(row["registered"]),
        serial=row["serial"],
        attribute=BRANCH if row.get("branch") else HEAD_UNIT,
    )


DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = _read_organisations()
DEMO_CODES = tuple(organisation.code for organisation in DEMO_ORGANISATIONS)


def name_fields(names: Sequence[str], short_names: Sequence[str]) -> dict[str, str]:
    """An organisation's names and short names, each given Kazakh, Russian, English, as the
    fields organisation_sync takes (other apps' demos load organisations of their own too)."""
    kk, ru, en = names
    short_kk, short_ru, short_en = short_names
    values = (kk, ru, en, short_kk, short_ru, short_en)
    return dict(zip(Organisation.NAME_FIELDS, values, strict=True))


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
        organisation, outcome = organisation_sync(
            code=spec.code,
            data={
                **name_fields(spec.names, spec.short_names),
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
