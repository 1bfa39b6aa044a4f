"""Load or update territories from a KATO reference file. Safe to run again with the same file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kopir.audit.models import AuditChannel
from kopir.directory.reference import ReferenceFileError
from kopir.directory.services import territories_load_file


class Command(BaseCommand):
    help = (
        "Load territories (KATO units) from a kopir-territories/1 JSON file, recording its source. "
        "Rows that are already up to date are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the JSON file to load")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = territories_load_file(path=options["file"], channel=AuditChannel.COMMAND)
        except ReferenceFileError as error:
            raise CommandError(
                "The file was not loaded; nothing was changed:\n" + "\n".join(error.errors)
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.source.title} ({report.source.version}): {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged."
            )
        )
