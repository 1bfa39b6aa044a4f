from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time each running worker said it was alive.

    django-tasks-db marks a task RUNNING with the claiming worker's id and never looks at it
    again: a worker killed mid-task would leave it RUNNING for ever. Each Kopir worker stamps its
    row every scheduler tick, so a task whose worker has gone quiet can be put back on the queue
    (`core/worker_recovery.py`).
    """

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id


class PeriodicJob(models.Model):
    """When each periodic job was last put on the task queue.

    django-tasks has no scheduler; Kopir's worker loop enqueues due jobs. Keeping the time in the
    database (and claiming a row under a lock) means two workers never enqueue the same run twice.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class WorkingDayOverride(models.Model):
    """A day the government moved (by decree) that the holidays library does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        verbose_name = _("working-day exception")
        verbose_name_plural = _("working-day exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'working' if self.is_working else 'day off'}"


class NumberSequence(models.Model):
    """The last number issued in one numbering sequence: a scope (what is numbered, and whose
    register) and a year. `core/numbering.py` is the only writer."""

    scope = models.CharField(_("scope"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    last_issued = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="one_number_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}: {self.last_issued}"
