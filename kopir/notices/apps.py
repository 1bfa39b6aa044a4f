import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "kopir.notices"
    label = "notices"
    verbose_name = _("Notices")
    # directory: the phone number a staff member gives for SMS is checked as the directory's are.
    depends_on: tuple[str, ...] = ("core", "audit", "directory", "accounts", "people")

    def ready(self) -> None:
        # Registers the check that the configured SMS backend loads.
        from kopir.accounts.access import is_administrator
        from kopir.core.registry import (
            Every,
            HeaderLink,
            HomeItem,
            MenuEntry,
            PeriodicTask,
            registry,
        )
        from kopir.notices import checks, home  # noqa: F401
        from kopir.notices.access import may_have_notifications, may_view_outbox
        from kopir.notices.selectors import unread_notifications_count

        registry.add_menu(MenuEntry(_("Outbox"), "notices:outbox", may_view_outbox, order=110))
        # Every page says how many of the reader's notifications are unread.
        registry.add_header(
            HeaderLink(
                "notices.mine",
                _("Notifications"),
                "notices:mine",
                may_have_notifications,
                unread_notifications_count,
                home.unread_text,
                order=10,
            )
        )
        registry.add_home(
            HomeItem(
                "notices.undelivered",
                _("Administration"),
                _("Notices not delivered"),
                _("Every notice was delivered."),
                is_administrator,
                home.undelivered_count,
                home.undelivered_url,
                1110,
            )
        )
        # Notices whose delivery failed are retried once their pause has passed (see services).
        registry.add_jobs(
            PeriodicTask("kopir.notices.tasks.deliver_due_notices", Every(dt.timedelta(minutes=2)))
        )
