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
        from kopir.core.registry import DemoLoader, registry

        # Background cases for the demo's dashboards, after the cases and programmes of the
        # demo's story (assessment 50, rehabilitation 60) whose reference data they use.
        registry.add_demo(DemoLoader("bench", "kopir.bench.demo.load", order=70))
