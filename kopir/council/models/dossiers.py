"""One dossier per problem: the records the council holds about it, gathered in one place.

A dossier keeps only what the secretary put in it by hand (`DossierRecord`: a petition, an agenda
item, a recommendation, a monitoring visit or a letter). What follows from those records — a
petition's agenda items, their decisions and votes, the recommendations made there and the
agencies' answers, the letters that carry them — is read with them (`selectors/dossiers.py`), so
a record made later joins the dossier without anyone adding it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.council.bilingual import in_reader_language


class Dossier(models.Model):
    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="dossiers",
    )
    # Kazakh in the unsuffixed fields, Russian in `_ru`, as for the minutes' texts.
    title = models.CharField(_("title"), max_length=300)
    title_ru = models.CharField(_("title in Russian"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    # A dossier merged into another keeps its page, which leads to the one that holds its records.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["council", "-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"dossier {self.pk}"

    def title_in(self, lang: str) -> str:
        """The title for a reader of `lang`, the other half where that one is empty."""
        return in_reader_language(self, "title", lang)


class DossierRecordKind(models.TextChoices):
    PETITION = "petition", _("Petition")
    AGENDA_ITEM = "agenda_item", _("Agenda item")
    RECOMMENDATION = "recommendation", _("Recommendation")
    VISIT = "visit", _("Monitoring visit")
    LETTER = "letter", _("Letter")


# The kinds of record a secretary adds, each the name of its foreign key below.
RECORD_FIELDS: tuple[str, ...] = tuple(DossierRecordKind.values)


class DossierRecord(models.Model):
    """A record the secretary put in a dossier: exactly one of the foreign keys is set, the one
    its `kind` names."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DossierRecordKind.choices)
    petition = models.ForeignKey(
        "council.Petition",
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_records",
    )
    agenda_item = models.ForeignKey(
        "council.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_records",
    )
    recommendation = models.ForeignKey(
        "council.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_records",
    )
    visit = models.ForeignKey(
        "council.MonitoringVisit",
        verbose_name=_("monitoring visit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_records",
    )
    letter = models.ForeignKey(
        "council.Letter",
        verbose_name=_("letter"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_records",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("record in a dossier")
        verbose_name_plural = _("records in dossiers")
        ordering = ["dossier", "added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    *(
                        Q(kind=kind)
                        & Q(**{f"{kind}__isnull": False})
                        & Q(
                            *(
                                Q(**{f"{other}__isnull": True})
                                for other in RECORD_FIELDS
                                if other != kind
                            )
                        )
                        for kind in RECORD_FIELDS
                    ),
                    _connector=Q.OR,
                ),
                name="dossier_record_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["dossier", kind],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"dossier_holds_{kind}_once",
                )
                for kind in RECORD_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.kind} {self.target_id}"

    @property
    def target_id(self) -> int | None:
        value = getattr(self, f"{self.kind}_id", None)
        return int(value) if value is not None else None
