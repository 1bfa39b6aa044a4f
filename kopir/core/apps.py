from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kopir.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the system checks that refuse an unsafe production configuration.
        from kopir.core import checks  # noqa: F401
