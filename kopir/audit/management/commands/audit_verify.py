"""Check that the audit log's hash chain is whole."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopir.audit.chain import verify_chain
from kopir.audit.models import AuditEvent


def _anchor(value: str) -> tuple[int, str]:
    record_id, _, row_hash = value.partition(":")
    if not record_id.isdigit() or len(row_hash) != 64:
        raise ValueError(value)
    return int(record_id), row_hash.lower()


class Command(BaseCommand):
    help = (
        "Walk the audit log's hash chain and report the first broken link. Exit code 0 and the "
        "number of records when whole, 1 when broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since-id",
            type=int,
            help="Verify from this record on, trusting the hash stored on the record before it.",
        )
        parser.add_argument(
            "--anchor",
            type=_anchor,
            metavar="ID:HASH",
            help=(
                "A record id and hash printed by an earlier run and kept outside the database: "
                "fail unless that record still stands with that hash."
            ),
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        verdict = verify_chain(
            using=using, since_id=options["since_id"], batch_size=options["batch_size"]
        )
        if verdict.broken is not None:
            raise CommandError(
                f"Audit chain broken at record {verdict.broken.id}: {verdict.broken.reason}. "
                f"{verdict.checked} records before it are intact.",
                returncode=1,
            )
        if options["anchor"] is not None:
            anchor_id, anchor_hash = options["anchor"]
            stored = (
                AuditEvent.objects.using(using)
                .filter(id=anchor_id)
                .values_list("row_hash", flat=True)
                .first()
            )
            if stored != anchor_hash:
                what = "is missing" if stored is None else "has another hash"
                raise CommandError(
                    f"Audit chain broken at record {anchor_id}: the anchored record {what}: "
                    "the log was rewritten or cut after it.",
                    returncode=1,
                )
        self.stdout.write(
            f"Audit chain intact: {verdict.checked} records checked. "
            f"Head: {verdict.last_id or 0}:{verdict.last_hash}"
        )
