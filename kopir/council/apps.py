import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "kopir.council"
    label = "council"
    verbose_name = _("Public council")
    depends_on: tuple[str, ...] = ("core", "audit", "directory", "accounts", "notices", "exchange")

    def ready(self) -> None:
        from kopir.core.registry import DailyAt, DemoLoader, MenuEntry, PeriodicTask, registry
        from kopir.council import access
        from kopir.council.exchange_events import EVENT_KINDS
        from kopir.council.notice_topics import NOTICE_TOPICS
        from kopir.council.selectors import home, search
        from kopir.council.services.staff_alerts import STAFF_KINDS
        from kopir.exchange.catalogue import register_event_kind
        from kopir.notices.kinds import register_staff_kind
        from kopir.notices.topics import register_topic

        registry.add_menu(
            MenuEntry(_("Councils"), "council:council_list", access.can_open_councils, 80),
            MenuEntry(
                _("Recommendations to us"),
                "council:inbox",
                access.can_answer_recommendations,
                90,
            ),
        )
        registry.add_home(*home.home_items())
        registry.add_search(*search.search_kinds())
        # Reminders and escalations reach the addressees before their working day starts.
        registry.add_jobs(
            PeriodicTask(
                "kopir.council.tasks.check_recommendation_deadlines", DailyAt(dt.time(6, 0))
            ),
            # The day before a meeting, in the morning in Oral, so an invitee can still ask
            # for what they need.
            PeriodicTask("kopir.council.tasks.send_meeting_reminders", DailyAt(dt.time(9, 0))),
            # Staff hear of answers due in three working days at the start of their day.
            PeriodicTask("kopir.council.tasks.notify_recommendations_due", DailyAt(dt.time(7, 0))),
        )
        registry.add_demo(DemoLoader("council", "kopir.council.demo.load", order=40))
        # What external systems may subscribe to (kopir.exchange).
        register_event_kind(*EVENT_KINDS)
        # What its staff are notified of (kopir.notices: the list and the preferences page).
        register_staff_kind(*STAFF_KINDS)
        # What the outbox calls the notices it sends to invitees, petitioners and addressees.
        register_topic(*NOTICE_TOPICS)
