import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kopir.assessment import apps as assessment_apps


class RehabilitationConfig(AppConfig):
    name = "kopir.rehabilitation"
    label = "rehabilitation"
    verbose_name = _("Rehabilitation programmes")
    # It builds on the MSE case: what assessment may import, and assessment.
    depends_on: tuple[str, ...] = (*assessment_apps.AssessmentConfig.depends_on, "assessment")
    test_depends_on: tuple[str, ...] = ()

    def ready(self) -> None:
        from kopir.assessment.fhir_conformance import register_conformance_section
        from kopir.assessment.services.citizen import register_citizen_section
        from kopir.assessment.signals import decision_recorded
        from kopir.core.registry import DailyAt, DemoLoader, MenuEntry, PeriodicTask, registry
        from kopir.exchange.catalogue import (
            register_event_kind,
            register_message_record,
            register_message_subjects,
        )
        from kopir.notices.kinds import register_staff_kind
        from kopir.notices.topics import register_topic
        from kopir.rehabilitation import access
        from kopir.rehabilitation.events import EXCHANGE_KINDS
        from kopir.rehabilitation.fhir_conformance import SECTION as FHIR_TASK_SECTION
        from kopir.rehabilitation.notice_topics import NOTICE_TOPICS
        from kopir.rehabilitation.selectors import home
        from kopir.rehabilitation.selectors.execution import (
            handoff_message_record,
            handoff_message_subjects,
        )
        from kopir.rehabilitation.services.programme import on_decision_recorded
        from kopir.rehabilitation.services.routing import HANDOFF_MESSAGE_KIND
        from kopir.rehabilitation.services.staff_alerts import STAFF_KINDS
        from kopir.rehabilitation.views.followup import citizen_section

        # Other systems hear of programmes and measures through the exchange's outbox.
        register_event_kind(*EXCHANGE_KINDS)
        # What their staff are notified of (kopir.notices: the list and the preferences page).
        register_staff_kind(*STAFF_KINDS)
        # What the outbox calls the notices it sends to the organisations holding measures.
        register_topic(*NOTICE_TOPICS)
        # A handoff's tracked message links the measure it hands off, which is worked on its page.
        register_message_record(HANDOFF_MESSAGE_KIND, handoff_message_record)
        register_message_subjects(HANDOFF_MESSAGE_KIND, handoff_message_subjects)
        # A decision that establishes disability drafts the IRP, in the decision's transaction.
        decision_recorded.connect(on_decision_recorded, dispatch_uid="rehabilitation.irp_draft")
        # The person's programme on the citizen status page, behind the same one-time code.
        register_citizen_section(citizen_section)
        # The measures as FHIR Task: their profile and interactions in /api/fhir/metadata.
        register_conformance_section(FHIR_TASK_SECTION)
        registry.add_menu(
            MenuEntry(
                _("Rehabilitation programmes"),
                "rehabilitation:programme_list",
                access.is_programme_user,
                55,
            ),
            MenuEntry(
                _("Quota jobs"), "rehabilitation:quota_list", access.can_keep_quota_register, 75
            ),
            MenuEntry(
                _("Measures to deliver"),
                "rehabilitation:agency_work_list",
                access.is_agency_officer,
                95,
            ),
            MenuEntry(
                _("Measure catalogue"),
                "rehabilitation:catalogue_list",
                access.can_manage_catalogue,
                102,
            ),
            MenuEntry(
                _("Quota by size of employer"),
                "rehabilitation:quota_bands",
                access.can_edit_quota_bands,
                104,
            ),
        )
        registry.add_home(*home.home_items())
        # Flags and escalations are in place before the agencies' working day starts (Oral time).
        registry.add_jobs(
            PeriodicTask(
                "kopir.rehabilitation.tasks.sweep_measure_deadlines", DailyAt(dt.time(5, 30))
            )
        )
        registry.add_demo(DemoLoader("rehabilitation", "kopir.rehabilitation.demo.load", order=60))
