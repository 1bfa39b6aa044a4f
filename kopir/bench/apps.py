from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """National-scale synthetic data and the benchmark that measures Kopir on it (docs/performance.md).

    It sits above every domain app (it writes their tables), owns no models and serves no pages.
    """

    name = "kopir.bench"
    label = "bench"
    verbose_name = _("Synthetic data and benchmarks")
    depends_on: tuple[str, ...] = (
        "core",
        "audit",
        "directory",
        "accounts",
        "people",
        "notices",
        "assessment",
        "exchange",
        "rehabilitation",
    )

    def ready(self) -> None:
        from django.conf import settings

        from kopir.core.registry import DemoLoader, registry

        # Background cases for the demo's dashboards, after the cases and programmes of the
        # demo's story (assessment 50, rehabilitation 60) whose reference data they use. Only
        # when asked for (KOPIR_DEMO_BACKGROUND_CASES=on): they land in the demo division's queue
        # and the agencies' work lists, where they would bury the story's cases.
        if settings.KOPIR_DEMO_BACKGROUND_CASES:
            registry.add_demo(DemoLoader("bench", "kopir.bench.demo.load", order=70))
