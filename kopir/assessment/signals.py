"""Signals assessment sends so that apps above it can follow a case without assessment importing
them (rehabilitation drafts the IRP when a decision establishes disability)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that writes a decision (the division's decision, or a decision
# changed on appeal), once it is saved as the current one: kwargs `decision`, `actor`, `request`.
# A receiver that raises rolls the decision back, so receivers write only what must go with it.
decision_recorded = Signal()
