import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "kopir.oversight"
    label = "oversight"
    verbose_name = _("Oversight")
    depends_on: tuple[str, ...] = (
        "core",
        "audit",
        "directory",
        "accounts",
        "assessment",
        "rehabilitation",
        # Snapshots are cited in the council's records (the council knows nothing of them: it
        # shows what `core.registry`'s citation sources give).
        "council",
    )
    # Its tests build referrals and measures with those apps' factories and fixtures.
    test_depends_on: tuple[str, ...] = ("people", "notices", "exchange")

    def ready(self) -> None:
        from kopir.core.registry import DemoLoader, Every, MenuEntry, PeriodicTask, registry
        from kopir.oversight import access, home

        registry.add_menu(
            MenuEntry(_("Dashboards"), "oversight:index", access.can_read_dashboards, 85)
        )
        registry.add_home(*home.home_items())
        from kopir.oversight.snapshots.citations import CITATION_SOURCE

        registry.add_citations(CITATION_SOURCE)
        # The dashboards' precomputed figures, every hour on the hour in Oral
        # (precomputed.py; `manage.py oversight_refresh` after a bulk change).
        registry.add_jobs(
            PeriodicTask("kopir.oversight.tasks.refresh_dashboards", Every(dt.timedelta(hours=1)))
        )
        # Last: the figures of every other loader's cases.
        registry.add_demo(DemoLoader("oversight", "kopir.oversight.demo.load", order=90))
