"""Moved: the daily deadline check for recommendations is `kopir.council.tasks`.

Kept so that code still importing it from here works; import from `kopir.council.tasks`.
"""

from __future__ import annotations

from kopir.council.tasks import check_recommendation_deadlines

__all__ = ["check_recommendation_deadlines"]
