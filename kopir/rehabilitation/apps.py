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
