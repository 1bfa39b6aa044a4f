import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "kopir.council"
    label = "council"
    verbose_name = _("Public council")
    depends_on: tuple[str, ...] = ("core", "audit", "directory", "accounts", "notices", "exchange")

    def ready(self) -> None:
        from kopir.core.registry import (
            DailyAt,
            DemoLoader,
            HomeItem,
            MenuEntry,
            PeriodicTask,
            registry,
        )
        from kopir.council import access
        from kopir.council.exchange_events import EVENT_KINDS
        from kopir.council.selectors import home
        from kopir.exchange.catalogue import register_event_kind

        registry.add_menu(
            MenuEntry(_("Councils"), "council:council_list", access.can_open_councils, 80),
            MenuEntry(
                _("Recommendations to us"),
                "council:inbox",
                access.can_answer_recommendations,
                90,
            ),
        )
        council, inbox = _("Public council"), _("Recommendations to us")
        registry.add_home(
            HomeItem(
                "council.new_petitions",
                council,
                _("New petitions to consider"),
                _("No new petitions."),
                home.is_council_secretary,
                home.new_petitions_count,
                home.new_petitions_url,
                800,
            ),
            HomeItem(
                "council.accommodation_open",
                council,
                _("Accommodation requests to arrange"),
                _("No accommodation request waits."),
                home.is_council_secretary,
                home.accommodation_open_count,
                home.accommodation_open_url,
                801,
            ),
            HomeItem(
                "council.recommendations_overdue",
                council,
                _("Recommendations past their deadline"),
                _("No recommendation is overdue."),
                home.is_council_secretary,
                home.recommendations_overdue_count,
                home.recommendations_overdue_url,
                802,
            ),
            HomeItem(
                "council.open_votes",
                council,
                _("Open votes you may cast a ballot in"),
                _("No vote is open for you."),
                home.is_council_member,
                home.open_votes_count,
                home.open_votes_url,
                803,
            ),
            HomeItem(
                "council.upcoming_meetings",
                council,
                _("Meetings ahead (the link opens the next one)"),
                _("No meeting is planned."),
                home.can_open_councils,
                home.upcoming_meetings_count,
                home.next_meeting_url,
                804,
            ),
            HomeItem(
                "council.inbox_new",
                inbox,
                _("New recommendations"),
                _("No new recommendations."),
                access.can_answer_recommendations,
                home.inbox_new_count,
                home.inbox_new_url,
                900,
            ),
            HomeItem(
                "council.inbox_redo",
                inbox,
                _("Answers to redo: the council did not accept them"),
                _("No answer to redo."),
                access.can_answer_recommendations,
                home.inbox_redo_count,
                home.inbox_redo_url,
                901,
            ),
            HomeItem(
                "council.inbox_due",
                inbox,
                _("Answers due within a week or late"),
                _("No answer is due this week."),
                access.can_answer_recommendations,
                home.inbox_due_count,
                home.inbox_due_url,
                902,
            ),
        )
        # Reminders and escalations reach the addressees before their working day starts.
        registry.add_jobs(
            PeriodicTask(
                "kopir.council.tasks.check_recommendation_deadlines", DailyAt(dt.time(6, 0))
            )
        )
        registry.add_demo(DemoLoader("council", "kopir.council.demo.load", order=40))
        # What external systems may subscribe to (kopir.exchange).
        register_event_kind(*EVENT_KINDS)
