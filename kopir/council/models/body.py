"""The council itself, and its composition: a versioned list of members approved by a vote."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    # A council under a party branch is a party body: its recommendations carry no statutory
    # deadline (docs/domain/council.md §2). A statutory public council (Law 383-V) works under the public
    # control law (Law 30-VIII): final document within 7 working days, answers within 10.
    PARTY_COUNCIL = "party", _("Party public council")
    STATUTORY = "statutory", _("Statutory public council (Law No. 383-V)")
    OTHER = "other", _("Other consultative body")


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("More than half of the members")
    TWO_THIRDS = "two_thirds", _("At least two thirds of the members")


class Council(models.Model):
    organisation = models.OneToOneField(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="council",
    )
    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    legal_basis_note = models.CharField(_("founding act"), max_length=255, blank=True)
    territory = models.ForeignKey(
        "directory.Territory", verbose_name=_("territory"), on_delete=models.PROTECT
    )
    established_on = models.DateField(_("established"), null=True, blank=True)
    # The seed's council was formed by merging two earlier councils; their history stays readable.
    merged_from = models.ManyToManyField(
        "self",
        verbose_name=_("formed by merging"),
        symmetrical=False,
        blank=True,
        related_name="merged_into",
    )
    is_active = models.BooleanField(_("active"), default=True)
    quorum_rule = models.CharField(
        _("quorum"), max_length=20, choices=QuorumRule.choices, default=QuorumRule.MAJORITY
    )
    recommendation_rule_set = models.ForeignKey(
        "council.RecommendationRuleSet",
        verbose_name=_("deadlines for recommendations"),
        on_delete=models.PROTECT,
        related_name="councils",
    )

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.organisation.name


class CompositionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Not approved")


class Composition(models.Model):
    """One version of the council's membership list. In force only once a vote approved it."""

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="compositions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CompositionStatus.choices,
        default=CompositionStatus.PROPOSED,
    )
    proposed_on = models.DateField(_("proposed"))
    approved_by_vote = models.OneToOneField(
        "council.Vote",
        verbose_name=_("approved by vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_composition",
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        verbose_name = _("composition")
        verbose_name_plural = _("compositions")
        ordering = ["council", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="one_composition_number"),
            # At most one composition of a council is in force at a time.
            models.UniqueConstraint(
                fields=["council"],
                condition=models.Q(status="approved"),
                name="one_composition_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council_id} composition {self.number}"


class MemberPosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class Member(models.Model):
    """A seat in one composition. Council members are public figures: their names are published."""

    composition = models.ForeignKey(
        Composition, verbose_name=_("composition"), on_delete=models.CASCADE, related_name="members"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(
        _("position"), max_length=20, choices=MemberPosition.choices, default=MemberPosition.MEMBER
    )
    affiliation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_seats",
    )
    affiliation_text = models.CharField(_("affiliation"), max_length=255, blank=True)
    affiliation_text_ru = models.CharField(_("affiliation in Russian"), max_length=255, blank=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    account = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_seats",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["composition", "order", "full_name"]

    def __str__(self) -> str:
        return self.full_name
