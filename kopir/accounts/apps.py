from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kopir.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    depends_on: tuple[str, ...] = ("core", "audit", "directory")

    def ready(self) -> None:
        from kopir.accounts.access import is_administrator
        from kopir.core.registry import DemoLoader, MenuEntry, registry

        registry.add_menu(
            MenuEntry(_("Accounts"), "accounts:user_list", is_administrator, order=120)
        )
        registry.add_demo(
            DemoLoader(
                "accounts",
                "kopir.accounts.demo.load",
                order=20,
                describe="kopir.accounts.demo.describe",
            )
        )
