"""Load the West Kazakhstan demo. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

# Each app's demo loader, in dependency order. Each is idempotent on its own.
DEMO_LOADERS = [
    "kopir.directory.demo.load",
    "kopir.accounts.demo.load",
    "kopir.people.demo.load",
    "kopir.council.demo.load",
    "kopir.assessment.demo.load",
]


class Command(BaseCommand):
    help = "Load the West Kazakhstan demo (synthetic persons only). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never loads into a production database.")
        with transaction.atomic():
            for path in DEMO_LOADERS:
                summary = import_string(path)()
                self.stdout.write(f"{path.split('.')[1]}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
