"""Territories (KATO) and organisations: who is where, and which body does what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import CodePoint, alphabet_sort_text
from kopir.core.identifiers import validate_bin
from kopir.core.text import fold_for_search, reader_language
from kopir.directory.validators import validate_kato, validate_phone

normalise_for_search = fold_for_search


class TranslatedNameMixin(models.Model):
    """Names in Kazakh, Russian and English; `name` gives the one for the current language."""

    name_kk = models.CharField(_("name in Kazakh"), max_length=255)
    name_ru = models.CharField(_("name in Russian"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = reader_language()
        return str(getattr(self, f"name_{language}", "") or self.name_kk)


class TerritoryLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    CITY = "city", _("City of regional significance")
    DISTRICT = "district", _("District")
    RURAL_DISTRICT = "rural_district", _("Rural district")
    SETTLEMENT = "settlement", _("Settlement")


class CodeStatus(models.TextChoices):
    """How far a territory's code can be trusted (docs/domain/identifiers.md §3)."""

    VERIFIED = "verified", _("Verified in a published source")
    INFERRED = "inferred", _("Inferred: check against the official KATO file")
    LOCAL = "local", _("Kopir's own code: not part of KATO")


class Territory(TranslatedNameMixin):
    """An administrative-territorial unit from the KATO classifier (ҚАТО / КАТО)."""

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[validate_kato])
    level = models.CharField(_("level"), max_length=20, choices=TerritoryLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Where the code and names come from, and which edition: KATO changes when districts are
    # renamed or regions created, so every row says which source it was loaded from.
    source = models.ForeignKey(
        "ReferenceDataSource",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="territories",
    )
    code_status = models.CharField(
        _("code status"),
        max_length=10,
        choices=CodeStatus.choices,
        default=CodeStatus.VERIFIED,
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kato"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kato})"


class ReferenceDataSource(models.Model):
    """A versioned source of reference data (a classifier edition, a registry extract)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=255)
    version = models.CharField(_("version"), max_length=60)
    published = models.DateField(_("published"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("reference data source")
        verbose_name_plural = _("reference data sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class OrganisationKind(models.TextChoices):
    MSE_DEPARTMENT = (
        "mse_department",
        _("MSE department (Committee of Labour, Social Protection and Migration)"),
    )
    MSE_DIVISION = "mse_division", _("MSE division")
    EMPLOYMENT_SOCIAL = "employment_social", _("Office for employment and social programmes")
    HEALTH_OFFICE = "health_office", _("Health office")
    EDUCATION_OFFICE = "education_office", _("Education office")
    AKIMAT = "akimat", _("Akimat")
    MEDICAL = "medical", _("Medical organisation")
    CAREER_CENTRE = "career_centre", _("Career centre")
    SCHOOL = "school", _("School")
    NGO = "ngo", _("Non-governmental organisation")
    PUBLIC_COUNCIL = "public_council", _("Public council")
    PARLIAMENT = "parliament", _("Parliament")


class NoticeLanguage(models.TextChoices):
    """The state languages an organisation may receive its notices in."""

    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")


class Organisation(TranslatedNameMixin):
    """A body that takes part in a case: a polyclinic, an MSE division, an agency, an NGO, a council."""

    # A stable, human-readable key ("wko-health-office") for reference data and the demo.
    code = models.SlugField(_("code"), max_length=60, unique=True)
    short_name_kk = models.CharField(_("short name in Kazakh"), max_length=100, blank=True)
    short_name_ru = models.CharField(_("short name in Russian"), max_length=100, blank=True)
    short_name_en = models.CharField(_("short name in English"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    bin = models.CharField(
        _("BIN"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits."),
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    # The contact address: Kopir's notices to the organisation go to the e-mail address, or by
    # SMS to the phone when there is no e-mail. Without either a notice is recorded as not
    # delivered, so the gap shows in the outbox.
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    # Who answers for the organisation's correspondence with Kopir; named in its notices' header.
    contact_name = models.CharField(_("responsible person"), max_length=150, blank=True)
    contact_position = models.CharField(
        _("position of the responsible person"), max_length=150, blank=True
    )
    # Kazakh is the state language; an organisation that works in Russian may ask for Russian.
    notice_language = models.CharField(
        _("language of notices"),
        max_length=2,
        choices=NoticeLanguage.choices,
        default=NoticeLanguage.KAZAKH,
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Optimistic concurrency: an edit is saved only if nobody saved in between.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Every name and short name, case-folded, kept by the services. SQLite's LIKE folds only
    # ASCII letters, so a search for "емхана" would miss "Емхана" without it.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # Each name as the paged list orders it (`core.collation.alphabet_sort_text`: the choice
    # lists' `alphabet_key` as a text compared by code point, so "№ 9" comes before "№ 10" on
    # both databases), kept by `save()` and by the services' update from the name.
    sort_name_kk = models.TextField(blank=True, editable=False)
    sort_name_ru = models.TextField(blank=True, editable=False)
    sort_name_en = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_kk"]
        indexes = [
            # The paged list in each language's order, read along the index.
            models.Index(
                CodePoint(f"sort_name_{language}"), "id", name=f"organisation_sort_{language}"
            )
            for language in ("kk", "ru", "en")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whatever saves an organisation (a service, the demo, a test's factory) keeps its sort
        # columns; a save of some fields only writes the columns of the names among them.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = kwargs["update_fields"] = list(update_fields)
        sort_names = self.compute_sort_names(update_fields)
        for column, text in sort_names.items():
            setattr(self, column, text)
        if update_fields is not None and sort_names:
            kwargs["update_fields"] = [*update_fields, *sort_names]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        # A position without a name says nobody in particular answers, and the reverse leaves
        # the reader not knowing what the person does: both or neither.
        if bool(self.contact_name.strip()) != bool(self.contact_position.strip()):
            missing = "contact_position" if self.contact_name.strip() else "contact_name"
            raise ValidationError(
                {
                    missing: ValidationError(
                        _("Enter both the responsible person's name and their position."),
                        code="contact_incomplete",
                    )
                }
            )

    # The fields a name search looks in; `search_text` holds them folded, one per line.
    NAME_FIELDS = (
        "name_kk",
        "name_ru",
        "name_en",
        "short_name_kk",
        "short_name_ru",
        "short_name_en",
    )
    SEARCH_FIELDS = (*NAME_FIELDS, "code")

    def compute_search_text(self) -> str:
        return "\n".join(
            normalise_for_search(str(getattr(self, field) or "")) for field in self.SEARCH_FIELDS
        )

    # Each sort column and the name it is computed from.
    SORTED_NAMES = {"sort_name_kk": "name_kk", "sort_name_ru": "name_ru", "sort_name_en": "name_en"}

    def compute_sort_names(self, names: Iterable[str] | None = None) -> dict[str, str]:
        """The sort columns of the given names (every name when None), from the names as set."""
        return {
            column: alphabet_sort_text(str(getattr(self, name) or ""))
            for column, name in self.SORTED_NAMES.items()
            if names is None or name in names
        }

    @property
    def short_name(self) -> str:
        language = reader_language()
        return str(getattr(self, f"short_name_{language}", "") or self.short_name_kk or self.name)
