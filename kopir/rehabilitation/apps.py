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
        from kopir.core.registry import MenuEntry, registry
        from kopir.rehabilitation import access

        # The executing organisation's work list (rehab-agency).
        registry.add_menu(
            MenuEntry(
                _("Measures to deliver"),
                "rehabilitation:agency_work_list",
                access.is_agency_officer,
                95,
            ),
        )
