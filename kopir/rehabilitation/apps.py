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
        from kopir.assessment.signals import decision_recorded
        from kopir.core.registry import DemoLoader, MenuEntry, registry
        from kopir.rehabilitation import access
        from kopir.rehabilitation.services.programme import on_decision_recorded

        # A decision that establishes disability drafts the IRP, in the decision's transaction.
        decision_recorded.connect(on_decision_recorded, dispatch_uid="rehabilitation.irp_draft")
        registry.add_menu(
            MenuEntry(
                _("Rehabilitation programmes"),
                "rehabilitation:programme_list",
                access.is_programme_user,
                55,
            ),
            MenuEntry(
                _("Measure catalogue"),
                "rehabilitation:catalogue_list",
                access.can_manage_catalogue,
                102,
            ),
        )
        registry.add_demo(DemoLoader("rehabilitation", "kopir.rehabilitation.demo.load", order=60))
