from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kopir.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    depends_on: tuple[str, ...] = ("core", "audit", "directory")

    def ready(self) -> None:
        from kopir.accounts import home
        from kopir.accounts.access import is_administrator
        from kopir.core.registry import DemoLoader, HomeItem, MenuEntry, registry

        registry.add_menu(
            MenuEntry(_("Accounts"), "accounts:user_list", is_administrator, order=120)
        )
        registry.add_home(
            HomeItem(
                "accounts.locked",
                _("Administration"),
                _("Accounts locked out after failed sign-ins"),
                _("No account is locked out."),
                is_administrator,
                home.locked_accounts_count,
                home.locked_accounts_url,
                1100,
            )
        )
        registry.add_demo(
            DemoLoader(
                "accounts",
                "kopir.accounts.demo.load",
                order=20,
                describe="kopir.accounts.demo.describe",
            )
        )
