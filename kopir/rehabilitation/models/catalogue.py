"""The measure catalogue: what an IRP may contain, who executes it, how much, by when, on what
evidence. Versioned like the completeness rules: an administrator copies the active catalogue into
a draft, edits it and activates it; a programme keeps pointing at the version it was drafted from,
so a later catalogue never rewrites an approved programme."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from kopir.assessment.models import Category, LimitationCategory, LimitationDegree
from kopir.core.text import reader_language
from kopir.directory.models import OrganisationKind, TranslatedNameMixin


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class ProgrammePart(models.TextChoices):
    """The parts of the IRP (docs/domain/rehabilitation.md §2)."""

    MEDICAL = "medical", _("Medical rehabilitation")
    SOCIAL = "social", _("Social rehabilitation")
    VOCATIONAL = "vocational", _("Vocational rehabilitation")
    EDUCATIONAL = "educational", _("Education")


class DeliveryChannel(models.TextChoices):
    PORTAL = "portal", _("Social Services Portal")
    TENDER = "tender", _("Public procurement (tender)")
    DIRECT = "direct", _("Direct service by the executing organisation")


class QuantityUnit(models.TextChoices):
    """How a measure's quantity is counted; blank quantity means "as needed"."""

    NONE = "none", _("No quantity")
    # "Items" alone reads as agenda items in Kazakh and Russian: the unit is pieces (дана, шт.).
    ITEMS = "items", pgettext_lazy("unit of quantity", "Items")
    HOURS_PER_DAY = "hours_day", _("Hours a day")
    HOURS_PER_YEAR = "hours_year", _("Hours a year")
    DAYS = "days", _("Days")
    PACKS_PER_DAY = "packs_day", _("Pieces a day")
    TRIPS_PER_MONTH = "trips_month", _("Trips a month")
    COURSES = "courses", _("Courses")


def quantity_text(quantity: Decimal, unit: str) -> str:
    """A quantity with its unit in the right plural ("1 course", "3 курса"), in the active
    language. A fraction reads as "few" in Russian ("1,5 часа"), as in the plural in English."""
    number = number_format(quantity.normalize())
    count = int(quantity) if quantity == quantity.to_integral_value() else 2
    forms = {
        QuantityUnit.ITEMS: lambda: ngettext("%(n)s item", "%(n)s items", count),
        QuantityUnit.HOURS_PER_DAY: lambda: ngettext(
            "%(n)s hour a day", "%(n)s hours a day", count
        ),
        QuantityUnit.HOURS_PER_YEAR: lambda: ngettext(
            "%(n)s hour a year", "%(n)s hours a year", count
        ),
        QuantityUnit.DAYS: lambda: ngettext("%(n)s day", "%(n)s days", count),
        QuantityUnit.PACKS_PER_DAY: lambda: ngettext(
            "%(n)s piece a day", "%(n)s pieces a day", count
        ),
        QuantityUnit.TRIPS_PER_MONTH: lambda: ngettext(
            "%(n)s trip a month", "%(n)s trips a month", count
        ),
        QuantityUnit.COURSES: lambda: ngettext("%(n)s course", "%(n)s courses", count),
    }
    form = forms.get(unit)  # type: ignore[call-overload]
    return form() % {"n": number} if form else number


class EvidenceItem(models.TextChoices):
    """What an executing organisation must record when it reports a measure delivered."""

    DOCUMENT = "document", _("A supporting document")
    DATE = "date", _("Date of delivery")
    SERIAL = "serial", _("Serial number of the item")
    SUPPLIER = "supplier", _("Supplier")
    EMPLOYER = "employer", _("Employer and position")


class TranslatedTextMixin:
    """Reference text kept in English (the field itself) and in Kazakh and Russian (`<field>_kk`,
    `<field>_ru`), as directory's TranslatedNameMixin keeps names: `translated(field)` gives the
    current language's text, or the English where a translation was not entered."""

    def translated(self, field: str) -> str:
        language = reader_language()
        if language in ("kk", "ru"):
            value = getattr(self, f"{field}_{language}", "")
            if value:
                return str(value)
        return str(getattr(self, field))


class MeasureCatalogue(TranslatedTextMixin, models.Model):
    """One version of the measure catalogue."""

    number = models.PositiveIntegerField(_("version number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_kk = models.CharField(_("title in Kazakh"), max_length=200, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    legal_source = models.CharField(
        _("legal basis"),
        max_length=500,
        help_text=_("The acts the catalogue implements, e.g. the Social Code, Art. 163."),
    )
    legal_source_kk = models.CharField(_("legal basis in Kazakh"), max_length=500, blank=True)
    legal_source_ru = models.CharField(_("legal basis in Russian"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_kk = models.TextField(_("notes in Kazakh"), blank=True)
    notes_ru = models.TextField(_("notes in Russian"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("measure catalogue")
        verbose_name_plural = _("measure catalogues")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="one_active_measure_catalogue",
            )
        ]

    def __str__(self) -> str:
        return f"measure catalogue {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == CatalogueStatus.DRAFT

    @property
    def title_text(self) -> str:
        return self.translated("title")

    @property
    def legal_source_text(self) -> str:
        return self.translated("legal_source")

    @property
    def notes_text(self) -> str:
        return self.translated("notes")


class MeasureType(TranslatedTextMixin, TranslatedNameMixin):
    """A measure an IRP may contain, e.g. "hearing aid" or "job placement on a quota job"."""

    catalogue = models.ForeignKey(
        MeasureCatalogue,
        verbose_name=_("catalogue"),
        on_delete=models.CASCADE,
        related_name="measure_types",
    )
    # Stable across catalogue versions ("hearing-aid"): routing rules and reports key on it.
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    part = models.CharField(
        _("part of the programme"), max_length=12, choices=ProgrammePart.choices
    )
    executor_kind = models.CharField(
        _("kind of executing organisation"), max_length=30, choices=OrganisationKind.choices
    )
    channel = models.CharField(
        _("delivery channel"), max_length=10, choices=DeliveryChannel.choices
    )
    unit = models.CharField(
        _("unit"), max_length=12, choices=QuantityUnit.choices, default=QuantityUnit.NONE
    )
    default_quantity = models.DecimalField(
        _("usual quantity"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    max_quantity = models.DecimalField(
        _("greatest quantity"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    # Aids are replaced after a period of use (months); blank for services.
    replacement_months = models.PositiveSmallIntegerField(
        _("replacement period, months"), null=True, blank=True
    )
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline, working days"),
        help_text=_("Working days the executing organisation has from assignment to delivery."),
    )
    evidence_required = models.JSONField(
        _("evidence required"), default=list, blank=True
    )  # a list of EvidenceItem values
    legal_source = models.CharField(_("legal basis"), max_length=500, blank=True)
    legal_source_kk = models.CharField(_("legal basis in Kazakh"), max_length=500, blank=True)
    legal_source_ru = models.CharField(_("legal basis in Russian"), max_length=500, blank=True)
    # Marked when the figure (quantity, period, deadline) is an assumption kept as data
    # (docs/domain/rehabilitation.md §6), so that the page says so.
    is_assumption = models.BooleanField(_("figures to be confirmed"), default=False)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["catalogue", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="one_measure_code_per_catalogue"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def legal_source_text(self) -> str:
        return self.translated("legal_source")

    @property
    def usual_quantity_text(self) -> str:
        if self.unit == QuantityUnit.NONE or self.default_quantity is None:
            return ""
        return quantity_text(self.default_quantity, self.unit)

    @property
    def max_quantity_text(self) -> str:
        if self.unit == QuantityUnit.NONE or self.max_quantity is None:
            return ""
        return quantity_text(self.max_quantity, self.unit)


class SuggestionRule(TranslatedTextMixin, models.Model):
    """Suggests a measure when drafting an IRP. Every condition that is set must hold; an empty
    condition holds for everyone. The MSE specialist accepts or removes each suggestion."""

    catalogue = models.ForeignKey(
        MeasureCatalogue,
        verbose_name=_("catalogue"),
        on_delete=models.CASCADE,
        related_name="suggestion_rules",
    )
    measure_type = models.ForeignKey(
        MeasureType,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="suggestion_rules",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # ICD-10 codes and ranges, as in the completeness rules ("H54", "H90-H91").
    diagnoses = models.CharField(_("ICD-10 codes and ranges"), max_length=200, blank=True)
    limitation = models.CharField(
        _("limitation of life activity"),
        max_length=20,
        choices=LimitationCategory.choices,
        blank=True,
    )
    min_degree = models.PositiveSmallIntegerField(
        _("from degree"), choices=LimitationDegree.choices, null=True, blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)
    # assessment.Category values; empty: any group or category.
    categories = models.JSONField(_("groups or categories"), default=list, blank=True)
    quantity = models.DecimalField(
        _("suggested quantity"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(
        _("why"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the MSE specialist with the suggestion."),
    )
    reason_kk = models.CharField(_("why, in Kazakh"), max_length=300, blank=True)
    reason_ru = models.CharField(_("why, in Russian"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("suggestion rule")
        verbose_name_plural = _("suggestion rules")
        ordering = ["catalogue", "position", "id"]

    def __str__(self) -> str:
        return f"suggest {self.measure_type_id}"

    @property
    def reason_text(self) -> str:
        return self.translated("reason")

    @property
    def category_labels(self) -> list[str]:
        """The groups or categories as people read them ("Group I"), not their codes."""
        labels = dict(Category.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class RoutingRule(models.Model):
    """Which organisation executes a measure for persons living in a territory.

    The most specific rule wins: one for the measure's code before one for its kind of executing
    organisation, and a district before its region. Rules are not versioned with the catalogue
    (they follow the organisations, not the law), and key on the measure's stable code.
    """

    measure_code = models.SlugField(
        _("measure code"),
        max_length=60,
        blank=True,
        help_text=_("Empty: every measure executed by this kind of organisation."),
    )
    executor_kind = models.CharField(
        _("kind of executing organisation"), max_length=30, choices=OrganisationKind.choices
    )
    territory = models.ForeignKey(
        "directory.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("executing organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["measure_code", "executor_kind", "territory"],
                name="one_routing_rule_per_measure_and_territory",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_code or self.executor_kind} @ {self.territory_id}"
