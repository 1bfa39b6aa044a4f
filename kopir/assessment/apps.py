import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kopir.assessment"
    label = "assessment"
    verbose_name = _("Medical-social expertise")
    depends_on: tuple[str, ...] = (
        "core",
        "audit",
        "directory",
        "accounts",
        "people",
        "notices",
        "exchange",
    )

    def ready(self) -> None:
        from kopir.assessment import access
        from kopir.assessment.exchange_events import EVENT_KINDS
        from kopir.assessment.models import CompletenessRule, CompletenessRuleSet, StepDeadline
        from kopir.assessment.notice_topics import NOTICE_TOPICS
        from kopir.assessment.selectors import home, search
        from kopir.assessment.services.completeness import RULES
        from kopir.assessment.services.staff_alerts import STAFF_KINDS
        from kopir.assessment.workflow import STEP_DEADLINES
        from kopir.core.reference_cache import changed_on_write
        from kopir.core.registry import (
            DemoLoader,
            Every,
            MenuEntry,
            PeriodicTask,
            registry,
        )
        from kopir.exchange.catalogue import register_event_kind
        from kopir.notices.kinds import register_staff_kind
        from kopir.notices.topics import register_topic
        from kopir.people.access import register_personal_reach
        from kopir.people.actions import PersonAction, register_person_action

        # The copies each process keeps of the rules and the steps' periods are read again in
        # every process after any save or delete of them (docs/performance.md, "Intake").
        changed_on_write(RULES, CompletenessRuleSet, CompletenessRule)
        changed_on_write(STEP_DEADLINES, StepDeadline)
        # An expert reaches a person only through an in-person case of their own.
        register_personal_reach(access.expert_person_reach)
        # A clinic starts a referral from the person's page, the IIN already filled in.
        register_person_action(
            PersonAction(_("New referral"), access.new_referral_address, access.is_clinic_user)
        )

        registry.add_menu(
            MenuEntry(_("MSE referrals"), "assessment:clinic_list", access.is_clinic_user, 20),
            MenuEntry(_("MSE queue"), "assessment:division_queue", access.works_division_queue, 30),
            MenuEntry(
                _("My expert reviews"),
                "assessment:expert_worklist",
                access.works_expert_reviews,
                40,
            ),
            MenuEntry(_("Appeals"), "assessment:appeal_list", access.is_appeal_reviewer, 50),
            MenuEntry(
                _("Completeness rules"), "assessment:rules_list", access.can_manage_rules, 100
            ),
        )
        registry.add_home(*home.home_items())
        registry.add_search(*search.SEARCH_KINDS)
        registry.add_jobs(
            PeriodicTask(
                "kopir.assessment.tasks_intake.prune_intake_records", Every(dt.timedelta(hours=6))
            )
        )
        registry.add_demo(DemoLoader("assessment", "kopir.assessment.demo.load", order=50))
        # What external systems may subscribe to (kopir.exchange).
        register_event_kind(*EVENT_KINDS)
        # What its staff are notified of (kopir.notices: the list and the preferences page).
        register_staff_kind(*STAFF_KINDS)
        # What the outbox calls the notices it sends to persons and clinics.
        register_topic(*NOTICE_TOPICS)
