import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabilitationConfig(AppConfig):
    name = "kopir.rehabilitation"
    label = "rehabilitation"
    verbose_name = _("Rehabilitation programmes")
    depends_on: tuple[str, ...] = (
        "core",
        "audit",
        "directory",
        "accounts",
        "people",
        "notices",
        "assessment",
    )
    test_depends_on: tuple[str, ...] = ()

    def ready(self) -> None:
        from kopir.core.registry import DailyAt, PeriodicTask, registry

        # Flags and escalations are in place before the agencies' working day starts (Oral time).
        registry.add_jobs(
            PeriodicTask(
                "kopir.rehabilitation.tasks.sweep_measure_deadlines", DailyAt(dt.time(5, 30))
            )
        )
