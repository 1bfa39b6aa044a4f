"""Staff accounts: each belongs to one organisation and holds roles within it."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.core.text import fold_for_search


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MSE_SPECIALIST = "mse_specialist", _("MSE specialist")
    # Heads the MSE division: assigns experts, records decisions, and alone sees who the person
    # in a depersonalised in-absentia case is.
    MSE_HEAD = "mse_head", _("Head of MSE division")
    CLINICIAN = "clinician", _("Clinician")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    COUNCIL_SECRETARY = "council_secretary", _("Council secretary")
    COUNCIL_MEMBER = "council_member", _("Council member")


class User(AbstractUser):
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="kk"
    )
    # Username and names, case-folded, kept by the services. SQLite's LIKE folds only ASCII
    # letters, so a search for "айгүл" would miss "Айгүл" without it.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # Raised by every service that changes the account, so an administrator's edit form opened
    # before someone else's change is refused instead of silently overwriting it.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    SEARCH_FIELDS = ("username", "first_name", "last_name")

    def compute_search_text(self) -> str:
        return "\n".join(
            fold_for_search(str(getattr(self, name) or "")) for name in self.SEARCH_FIELDS
        )

    @cached_property
    def role_set(self) -> frozenset[str]:
        """The roles this account holds, read once per request."""
        if not self.pk or not self.is_active:
            return frozenset()
        # List pages prefetch the assignments; use them rather than one query per row.
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if "role_assignments" in prefetched:
            return frozenset(assignment.role for assignment in prefetched["role_assignments"])
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def assigned_roles(self) -> frozenset[str]:
        """The roles assigned to the account, active or not: what its administrator edits.

        `role_set` is empty for an inactive account because such an account may do nothing;
        its assignments are kept for when it is made active again.
        """
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        # Apps below accounts (audit, directory) ask the signed-in user this, as Django's own
        # apps ask `is_staff`, instead of importing accounts' roles (see docs/architecture.md).
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def shown_name(self) -> str:
        """The name pages and notices show for the account: its full name, else its username."""
        return self.get_full_name() or self.get_username()

    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.role_set]


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role}"
