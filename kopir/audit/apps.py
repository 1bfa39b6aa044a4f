from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kopir.audit"
    label = "audit"
    verbose_name = _("Audit")
    depends_on: tuple[str, ...] = ("core",)
    # Its tests record events by accounts of an organisation.
    test_depends_on: tuple[str, ...] = ("accounts", "directory")

    def ready(self) -> None:
        from functools import partial

        from kopir.audit.access import may_read_audit_log
        from kopir.audit.models import AuditAction
        from kopir.audit.services import audit_record
        from kopir.core.registry import MenuEntry, registry
        from kopir.core.transitions import set_default_audit

        # Every workflow's move is audited as an update, unless the workflow names its writer.
        set_default_audit(partial(audit_record, action=AuditAction.UPDATE))

        registry.add_menu(MenuEntry(_("Audit log"), "audit:search", may_read_audit_log, order=130))
