"""Load the West Kazakhstan demo. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from kopir.core.registry import registry


class Command(BaseCommand):
    help = "Load the West Kazakhstan demo (synthetic persons only). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never loads into a production database.")
        # Each app's loader, in the order it registered (an app's after those it depends on).
        with transaction.atomic():
            for loader in registry.demo_loaders():
                summary = import_string(loader.load_path)()
                self.stdout.write(f"{loader.app_label}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
