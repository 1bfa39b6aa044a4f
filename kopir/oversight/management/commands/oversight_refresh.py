"""Recompute the dashboards' precomputed store now, after a bulk change (a generated dataset,
a large import) rather than waiting for the hourly job:

    manage.py oversight_refresh
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kopir.oversight.precomputed import refresh


class Command(BaseCommand):
    help = "Recompute the oversight dashboards' precomputed figures now."

    def handle(self, *args: Any, **options: Any) -> None:
        for run in refresh():
            if options["verbosity"]:
                self.stdout.write(f"dashboards: {run}")
