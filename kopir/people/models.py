"""The registry of persons with disabilities (and of their legal representatives)."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import CodePoint
from kopir.core.identifiers import validate_iin
from kopir.core.text import fold_for_search
from kopir.people.validators import validate_birth_date


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class ContactLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")


class AccessibilityNeed(models.TextChoices):
    BRAILLE = "braille", _("Braille")
    LARGE_PRINT = "large_print", _("Large print")
    AUDIO = "audio", _("Audio (screen reader or voice call)")
    SIGN_LANGUAGE = "sign_language", _("Sign language")
    EASY_READ = "easy_read", _("Easy read")


class RepresentativeRelation(models.TextChoices):
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Guardian")
    TRUSTEE = "trustee", _("Trustee")
    OTHER = "other", _("Other representative by power of attorney")


name_search_key = fold_for_search


class Person(models.Model):
    iin = models.CharField(
        _("IIN"),
        max_length=12,
        unique=True,
        validators=[validate_iin],
        help_text=_("Individual identification number: 12 digits."),
    )
    last_name = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), validators=[validate_birth_date])
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("place of residence"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("language for notices"),
        max_length=2,
        choices=ContactLanguage.choices,
        default=ContactLanguage.KAZAKH,
    )
    accessibility_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    legal_representative = models.ForeignKey(
        "self",
        verbose_name=_("legal representative"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented",
    )
    representative_relation = models.CharField(
        _("representative's relation"),
        max_length=10,
        choices=RepresentativeRelation.choices,
        blank=True,
    )
    consent_to_processing = models.BooleanField(
        _("consent to the processing of personal data"), default=False
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    registered_by = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="registered_persons",
    )
    # The names folded for case-insensitive search (see `name_search_key`). SQLite's LIKE and
    # LOWER() fold ASCII letters only, so a query for "сәрсен" would miss "Сәрсенбаева"; a key
    # folded in Python behaves the same on SQLite and PostgreSQL. Services keep it current.
    search_name = models.CharField(max_length=310, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency: an edit is saved only if nobody saved in between.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
            # The name search: a prefix of the folded name (= of the surname) is a range of this
            # index, and its order, by code point, is the page's order with id as tie-breaker, so
            # a page is read from it and stops after its rows (`people.selectors.person_matches`).
            # A "C" index serves LIKE 'x%' under any database collation; SQLite compares BINARY.
            models.Index(CodePoint("search_name"), F("id"), name="person_search_key_idx"),
        ]

    def __str__(self) -> str:
        # The primary key only: str() of a person must never leak a name into logs.
        return f"person #{self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def accessibility_need_labels(self) -> list[str]:
        labels = dict(AccessibilityNeed.choices)
        return [str(labels[code]) for code in self.accessibility_needs if code in labels]


class LinkBasis(models.TextChoices):
    REGISTERED = "registered", _("Registered the person")
    ATTACHED = "attached", _("Attached medical organisation")
    REFERRAL = "referral", _("Sent or received a referral")
    REHABILITATION = "rehabilitation", _("Executes a rehabilitation measure")


class PersonLink(models.Model):
    """Why an organisation may see a person: the only way staff reach personal data.

    Least privilege: staff see a person only while their organisation has a link to that person
    (it registered them, is their polyclinic, handles their referral or a measure of their IRP).
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="links"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="person_links",
    )
    basis = models.CharField(_("basis"), max_length=20, choices=LinkBasis.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "basis"], name="one_link_per_basis"
            )
        ]
        indexes = [models.Index(fields=["organisation", "person"], name="personlink_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} → person #{self.person_id} ({self.basis})"
