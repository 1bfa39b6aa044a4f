"""Query plans in CI (issue #12 item 4): on a generated country of a few thousand persons, each
main list page stays within its query budget, and every query it runs against a big table can
be served by an index: EXPLAIN shows an index and no sequential scan of referrals, persons,
access links, audit records, measures or expert assignments.

PostgreSQL only (its plans are the question; SQLite is the embedded default, not the national
deployment); CI runs the suite on PostgreSQL. The country is generated once for the module, in
a transaction rolled back at its end, and ANALYZEd so the planner sees its real proportions;
each plan is then asked with sequential scans made dear (`index_plan`'s settings), so a scan
that remains is one no index can replace.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import User
from kopir.assessment.models import Referral, Route
from kopir.assessment.tests.factories import Icd10CodeFactory
from kopir.audit.models import AuditAction
from kopir.bench.management.commands.kopir_bench import paths
from kopir.bench.measure import NEXT_LINK, Path
from kopir.core.tests.plans import index_plan_sql
from kopir.people.models import LinkBasis, Person
from kopir.people.selectors import COUNT_CAP

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's; CI runs this module on PostgreSQL",
    ),
    pytest.mark.django_db,
]

PERSONS = 1500
BIG_TABLES = (
    "assessment_referral",
    "assessment_expertassignment",
    "people_person",
    "people_personlink",
    "audit_auditevent",
    "rehabilitation_measure",
)
SEQUENTIAL_SCAN = re.compile(r"Seq Scan on (" + "|".join(BIG_TABLES) + r")\b")
# The most queries each page may run, whatever the data (the pages' own tests hold that it does
# not grow with the rows; these are the budgets at this scale).
BUDGETS = {
    # Every full page also counts the signed-in person's unread notifications for the header
    # (one indexed COUNT): one query in each budget below.
    # The at-risk filter reads the working-day calendar for its bound (a constant four more).
    "division queue, at risk": 15,
    "division queue": 11,
    # Paged by cursor: no COUNT of the clinic's referrals, so the header's count keeps it at 10.
    "clinic list": 10,
    "expert work list": 11,
    "person search": 14,
    "audit search": 9,
    "agency work list": 17,
}

# The index each page's main read is designed around (docs/performance.md): an index scan of
# another one would be a walk the design meant to avoid (the name search once walked the name
# index over the whole registry, with no sequential scan to show for it).
DESIGNED_INDEX = {
    "division queue": "referral_queue_due_idx",
    "clinic list": "referral_clinic_list_idx",
    "expert work list": "assignment_expert_work_idx",
    "person search by surname": "person_search_key_idx",
    "audit search, user": "audit_username_idx",
    "audit search, an action": "audit_action_idx",
    "audit search, a record type": "audit_type_idx",
    "audit search, a record": "audit_target_idx",
    "agency work list, open": "measure_work_idx",
    "agency work list, overdue": "measure_overdue_idx",
}


@pytest.fixture(scope="module")
def country(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        for code in ("H54.0", "H90.3", "G80.0"):
            Icd10CodeFactory.create(code=code)
        call_command("kopir_generate", persons=PERSONS, years=2, seed=3, yes=True, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield
        transaction.set_rollback(True)


def main_paths() -> list[Path]:
    """The benchmark's list paths, and the filters of the queue and the audit search besides."""
    found = [
        path
        for path in paths()
        if path.call is None and any(path.name.startswith(page) for page in BUDGETS)
    ]
    queue = next(path for path in found if path.name == "division queue, open, page 1")
    division_id = User.objects.get(username=queue.username).organisation_id
    referral = (
        Referral.objects.filter(mse_division_id=division_id, first_sent_at__isnull=False)
        .select_related("primary_diagnosis")
        .order_by("id")
        .first()
    )
    assert referral is not None
    audit = next(path for path in found if path.name == "audit search, no filter")
    today = timezone.localdate()
    extra = {
        "division queue, one clinic": f"{queue.url}?clinic={referral.medical_organisation_id}",
        "division queue, one chapter": f"{queue.url}?chapter={referral.primary_diagnosis.chapter}",
        "division queue, in absentia": f"{queue.url}?route={Route.IN_ABSENTIA}",
        "division queue, at risk": f"{queue.url}?at_risk=on",
        "audit search, an action": f"{audit.url}?action={AuditAction.SEARCH}",
        "audit search, a record type": f"{audit.url}?target_type=people.person",
        "audit search, a record": f"{audit.url}?target_type=people.person&target_id=1",
        "audit search, a month": f"{audit.url}?date_from={today - dt.timedelta(days=30)}"
        f"&date_to={today}",
    }
    return found + [
        Path(
            name,
            url,
            audit.username if name.startswith("audit") else queue.username,
        )
        for name, url in extra.items()
    ]


def _request(path: Path, client: Client) -> tuple[int, list[str]]:
    url = path.url
    # A few pages deep shows the cursor's plan; twenty (the benchmark's) only costs time.
    for _hop in range(min(path.deep, 2)):
        found = NEXT_LINK.search(client.get(url).content.decode())
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
        if url.startswith("?"):
            url = path.url.split("?")[0] + url
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, path.data) if path.data is not None else client.get(url)
    assert response.status_code == 200, (path.name, response.status_code)
    return len(queries), [query["sql"] for query in queries.captured_queries]


def test_each_main_list_is_within_its_budget_and_read_from_indexes(country: None) -> None:
    problems: list[str] = []
    measured = 0
    with translation.override("kk"), override_settings(KOPIR_REQUIRE_2FA=False):
        for path in main_paths():
            client = Client(HTTP_HOST="localhost")
            assert path.username
            client.force_login(User.objects.get(username=path.username))
            count, statements = _request(path, client)
            budget = next(limit for page, limit in BUDGETS.items() if path.name.startswith(page))
            if count > budget:
                problems.append(f"{path.name}: {count} queries, budget {budget}")
            plans = []
            for sql in statements:
                # A read: a SELECT, or a UNION of them (the queue and agency pages' branches).
                if not sql.lstrip("( ").upper().startswith(("SELECT", "WITH")):
                    continue
                if not any(table in sql for table in BIG_TABLES):
                    continue
                plan = index_plan_sql(sql)
                if not any(table in plan for table in BIG_TABLES):
                    continue  # e.g. the audit chain's lock function: no table read
                measured += 1
                plans.append(plan)
                if SEQUENTIAL_SCAN.search(plan) or "Index" not in plan:
                    problems.append(f"{path.name}:\n{sql}\n{plan}")
            designed = [
                index for page, index in DESIGNED_INDEX.items() if path.name.startswith(page)
            ]
            if designed and not any(designed[0] in plan for plan in plans):
                problems.append(f"{path.name}: no read from {designed[0]}")
    assert measured > 30
    assert not problems, "\n\n".join(problems)


def test_a_very_large_organisations_surname_search_reads_one_page_and_a_capped_count(
    country: None,
) -> None:
    """An MSE division linked to every person (~30,000 at the national scale): the page's ids are
    read along `person_search_key_idx` in its order (no sort of the surname's every match), and the
    count stops at `COUNT_CAP` + 1 rows instead of counting every holder of the surname."""
    head = User.objects.get(username=bench_user("person search by surname, largest"))
    division_id = head.organisation_id
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_personlink (person_id, organisation_id, basis, created_at) "
            "SELECT id, %s, %s, now() FROM people_person ON CONFLICT DO NOTHING",
            [division_id, LinkBasis.ATTACHED],
        )
        cursor.execute("ANALYZE people_personlink")
    surname = Person.objects.order_by("id").values_list("last_name", flat=True).first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(head)
    with (
        translation.override("kk"),
        override_settings(KOPIR_REQUIRE_2FA=False),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.post(reverse("people:search"), {"q": surname})
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "people_person" in q["sql"]]
    (page,) = [sql for sql in reads if "ORDER BY" in sql and "COUNT(" not in sql]
    (count,) = [sql for sql in reads if "COUNT(" in sql]
    page_plan = index_plan_sql(page)
    assert "person_search_key_idx" in page_plan, page_plan
    # The ids are read in the index's order and limited there; only the page's own 26 rows may
    # be sorted, by the outermost node (a Sort under it would be every match sorted).
    assert not re.search(r"->\s+Sort\b", page_plan), page_plan
    assert f"LIMIT {COUNT_CAP + 1}" in count
    count_plan = index_plan_sql(count)
    assert not SEQUENTIAL_SCAN.search(count_plan), count_plan


def bench_user(prefix: str) -> str:
    """The user the benchmark signs in as for its path whose name begins with `prefix`."""
    username = next(path.username for path in paths() if path.name.startswith(prefix))
    assert username is not None
    return username
