from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "kopir.directory"
    label = "directory"
    verbose_name = _("Directory")
    depends_on: tuple[str, ...] = ("core", "audit")
    # Its tests sign in administrators and other roles.
    test_depends_on: tuple[str, ...] = ("accounts",)

    def ready(self) -> None:
        from kopir.core.registry import DemoLoader, MenuEntry, registry
        from kopir.directory.access import can_read_directory

        registry.add_menu(
            MenuEntry(
                _("Organisations"), "directory:organisation_list", can_read_directory, order=60
            ),
            MenuEntry(_("Territories"), "directory:territory_list", can_read_directory, order=70),
        )
        registry.add_demo(DemoLoader("directory", "kopir.directory.demo.load", order=10))
