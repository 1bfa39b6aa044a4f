from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "kopir.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # Registers the check that the configured SMS backend loads.
        from kopir.notices import checks  # noqa: F401
