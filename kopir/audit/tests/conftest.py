from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from kopir.audit import triggers


@pytest.fixture(scope="module")
def _audit_triggers_back_after_the_module(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
    yield
    # The flush after the module's last transactional test ran without the triggers; the
    # tests after this module expect them.
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        triggers.install(connection)


@pytest.fixture
def audit_triggers_lifted_for_the_flush(
    _audit_triggers_back_after_the_module: None, transactional_db: None
) -> Iterator[None]:
    # pytest-django empties every table after a transactional test, which the append-only
    # triggers refuse. This fixture depends on transactional_db, so its teardown runs before
    # that flush: the triggers stand during the test and are lifted just before.
    triggers.install(connection)
    yield
    triggers.remove(connection)
