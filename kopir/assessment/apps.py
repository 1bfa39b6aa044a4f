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
        from kopir.assessment.selectors import home, search
        from kopir.core.registry import (
            DemoLoader,
            Every,
            HomeItem,
            MenuEntry,
            PeriodicTask,
            registry,
        )
        from kopir.exchange.catalogue import register_event_kind
        from kopir.people.access import register_personal_reach
        from kopir.people.actions import PersonAction, register_person_action

        # An expert reaches a person only through an in-person case of their own.
        register_personal_reach(access.expert_person_reach)
        # A clinic starts a referral from the person's page, the IIN already filled in.
        register_person_action(
            PersonAction(_("New referral"), access.new_referral_address, access.is_clinic_user)
        )

        registry.add_menu(
            MenuEntry(_("MSE referrals"), "assessment:clinic_list", access.is_clinic_user, 20),
            MenuEntry(_("MSE queue"), "assessment:division_queue", access.is_division_user, 30),
            MenuEntry(_("My expert reviews"), "assessment:expert_worklist", access.is_expert, 40),
            MenuEntry(_("Appeals"), "assessment:appeal_list", access.is_appeal_reviewer, 50),
            MenuEntry(
                _("Completeness rules"), "assessment:rules_list", access.can_manage_rules, 100
            ),
        )
        referrals, queue = _("MSE referrals"), _("MSE queue")
        registry.add_home(
            HomeItem(
                "assessment.clinic_returned",
                referrals,
                _("Referrals returned to complete"),
                _("No referral was returned to you."),
                access.is_clinic_user,
                home.clinic_returned_count,
                home.clinic_returned_url,
                200,
            ),
            HomeItem(
                "assessment.clinic_drafts",
                referrals,
                _("Drafts not yet sent"),
                _("No drafts."),
                access.is_clinic_user,
                home.clinic_draft_count,
                home.clinic_draft_url,
                201,
            ),
            HomeItem(
                "assessment.clinic_decided",
                referrals,
                _("Decisions received"),
                _("No new decisions."),
                access.is_clinic_user,
                home.clinic_decided_count,
                home.clinic_decided_url,
                202,
            ),
            HomeItem(
                "assessment.division_new",
                queue,
                _("New referrals to accept"),
                _("No new referrals."),
                home.is_head_of_division,
                home.division_new_count,
                home.division_new_url,
                300,
            ),
            HomeItem(
                "assessment.division_overdue",
                queue,
                _("Cases past their deadline"),
                _("No case is overdue."),
                home.is_head_of_division,
                home.division_overdue_count,
                home.division_overdue_url,
                301,
            ),
            HomeItem(
                "assessment.division_at_risk",
                queue,
                _("Cases at risk of missing their deadline"),
                _("No case is at risk."),
                home.is_head_of_division,
                home.division_at_risk_count,
                home.division_at_risk_url,
                302,
            ),
            HomeItem(
                "assessment.division_documents_to_check",
                queue,
                _("Documents to check for identity before the experts read them"),
                _("No document waits for your check."),
                home.is_head_of_division,
                home.division_documents_to_check_count,
                home.division_documents_to_check_url,
                303,
            ),
            HomeItem(
                "assessment.appeals_open",
                _("Appeals"),
                _("Appeals to review"),
                _("No open appeals."),
                access.is_appeal_reviewer,
                home.appeals_open_count,
                home.appeals_url,
                500,
            ),
            HomeItem(
                "assessment.expert_waiting",
                _("My expert reviews"),
                _("Cases waiting for my conclusion"),
                _("No case is waiting for your conclusion."),
                access.is_expert,
                home.expert_waiting_count,
                home.expert_waiting_url,
                400,
            ),
        )
        registry.add_search(*search.SEARCH_KINDS)
        registry.add_jobs(
            PeriodicTask(
                "kopir.assessment.tasks_intake.prune_intake_records", Every(dt.timedelta(hours=6))
            )
        )
        registry.add_demo(DemoLoader("assessment", "kopir.assessment.demo.load", order=50))
        # What external systems may subscribe to (kopir.exchange).
        register_event_kind(*EVENT_KINDS)
