"""The council's recommendation rule set that both sets of council fixtures build on."""

from __future__ import annotations

import pytest

from kopir.council import models as m
from kopir.council.tests.factories import RuleSetFactory


@pytest.fixture
def statutory_rules(db: None) -> m.RecommendationRuleSet:
    return RuleSetFactory.create()
