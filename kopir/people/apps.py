from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kopir.people"
    label = "people"
    verbose_name = _("Registry of persons")
    depends_on: tuple[str, ...] = ("core", "audit", "directory", "accounts")

    def ready(self) -> None:
        from kopir.core.registry import DemoLoader, MenuEntry, registry
        from kopir.people.access import can_search_people

        registry.add_menu(MenuEntry(_("Persons"), "people:search", can_search_people, order=10))
        registry.add_demo(DemoLoader("people", "kopir.people.demo.load", order=30))
