import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kopir.core.actors import is_signed_in


class CoreConfig(AppConfig):
    name = "kopir.core"
    label = "core"
    verbose_name = _("Core")
    # Core imports no app: the apps register with it (core/registry.py).
    depends_on: tuple[str, ...] = ()
    # Its tests sign in accounts of a role to see the navigation.
    test_depends_on: tuple[str, ...] = ("accounts",)

    def ready(self) -> None:
        # Registers the system checks that refuse an unsafe production configuration.
        from kopir.core import checks  # noqa: F401
        from kopir.core.database_functions import connect_sqlite_functions
        from kopir.core.registry import DailyAt, Every, MenuEntry, PeriodicTask, registry

        connect_sqlite_functions()

        from kopir.core.models import WorkingDayOverride
        from kopir.core.reference_cache import changed_on_write, connect_request_scope
        from kopir.core.working_days import OVERRIDES

        # A request reads the reference tables' versions once, together.
        connect_request_scope()

        # Each process's copy of the overrides is read again after any save or delete of one.
        changed_on_write(OVERRIDES, WorkingDayOverride)

        registry.add_menu(MenuEntry(_("Home"), "core:home", is_signed_in, order=0))
        registry.add_jobs(
            PeriodicTask("kopir.core.tasks.clear_expired_sessions", Every(dt.timedelta(hours=1))),
            # At night, when nobody reads the results of yesterday's tasks.
            PeriodicTask("kopir.core.tasks.prune_finished_task_results", DailyAt(dt.time(3, 0))),
        )
