"""What the apps register with core: menu entries, periodic jobs and demo loaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.core.navigation import navigation_for
from kopir.core.registry import DailyAt, DemoLoader, Every, MenuEntry, PeriodicTask, registry


def kopir_apps() -> dict[str, Any]:
    return {
        config.label: config
        for config in apps.get_app_configs()
        if config.name.startswith("kopir.")
    }


def test_the_menu_is_shown_in_the_order_the_apps_gave_whatever_order_they_registered_in():
    from kopir.core.registry import Registry

    menu = Registry()
    menu.add_menu(MenuEntry("Audit log", "audit:search", bool, order=130))
    menu.add_menu(MenuEntry("Home", "core:home", bool, order=0))
    menu.add_menu(MenuEntry("Persons", "people:search", bool, order=10))

    assert [entry.url_name for entry in menu.menu_entries()] == [
        "core:home",
        "people:search",
        "audit:search",
    ]


def test_the_project_menu_keeps_its_order_from_home_to_the_audit_log():
    assert [entry.url_name for entry in registry.menu_entries()] == [
        "core:home",
        "people:search",
        "assessment:clinic_list",
        "assessment:division_queue",
        "assessment:expert_worklist",
        "assessment:appeal_list",
        "rehabilitation:programme_list",
        "directory:organisation_list",
        "directory:territory_list",
        "rehabilitation:quota_list",
        "council:council_list",
        "oversight:index",
        "council:inbox",
        "rehabilitation:agency_work_list",
        "assessment:rules_list",
        "rehabilitation:catalogue_list",
        "rehabilitation:quota_bands",
        "exchange:message_list",
        "notices:outbox",
        "exchange:subscription_list",
        "accounts:user_list",
        "audit:search",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_offered_exactly_the_entries_whose_predicate_allows_it(role: Role):
    user = UserFactory(roles=[role])
    request = RequestFactory().get("/en/")
    request.user = user

    offered = [item["url"] for item in navigation_for(request)]

    expected = [reverse(e.url_name) for e in registry.menu_entries() if e.allowed(user)]
    assert offered == expected
    assert reverse("core:home") in offered
    assert (reverse("audit:search") in offered) == (role == Role.ADMINISTRATOR)


def test_an_anonymous_visitor_is_offered_no_menu():
    request = RequestFactory().get("/en/")
    request.user = AnonymousUser()
    assert navigation_for(request) == []


def test_registering_the_same_entry_again_is_harmless_but_a_different_one_is_refused():
    from kopir.core.registry import Registry

    menu = Registry()
    entry = MenuEntry("Home", "core:home", bool, order=0)
    menu.add_menu(entry)
    menu.add_menu(entry)
    assert menu.menu_entries() == [entry]

    with pytest.raises(ImproperlyConfigured):
        menu.add_menu(MenuEntry("Start", "core:home", bool, order=0))
    menu.add_jobs(PeriodicTask("a.b", Every(dt.timedelta(hours=1))))
    with pytest.raises(ImproperlyConfigured):
        menu.add_jobs(PeriodicTask("a.b", DailyAt(dt.time(1))))


def test_every_registered_job_and_demo_loader_names_something_that_imports():
    for job in registry.periodic_tasks():
        assert hasattr(import_string(job.task_path), "enqueue"), job.task_path
    for loader in registry.demo_loaders():
        assert callable(import_string(loader.load_path)), loader.load_path
        if loader.describe:
            assert callable(import_string(loader.describe)), loader.describe


def test_the_existing_jobs_run_on_the_local_clock_of_oral():
    schedules = {job.task_path: job.schedule for job in registry.periodic_tasks()}
    assert schedules == {
        "kopir.core.tasks.clear_expired_sessions": Every(dt.timedelta(hours=1)),
        "kopir.core.tasks.prune_finished_task_results": DailyAt(dt.time(3, 0)),
        "kopir.council.tasks.check_recommendation_deadlines": DailyAt(dt.time(6, 0)),
        "kopir.council.tasks.send_meeting_reminders": DailyAt(dt.time(9, 0)),
        "kopir.council.tasks.notify_recommendations_due": DailyAt(dt.time(7, 0)),
        "kopir.notices.tasks.deliver_due_notices": Every(dt.timedelta(minutes=2)),
        "kopir.assessment.tasks_intake.prune_intake_records": Every(dt.timedelta(hours=6)),
        "kopir.exchange.tasks.deliver_due_webhooks": Every(dt.timedelta(minutes=2)),
        "kopir.rehabilitation.tasks.sweep_measure_deadlines": DailyAt(dt.time(5, 30)),
        "kopir.oversight.tasks.refresh_dashboards": Every(dt.timedelta(hours=1)),
    }


def test_each_demo_loader_runs_after_the_loaders_of_the_apps_it_depends_on():
    configs = kopir_apps()
    loaders: list[DemoLoader] = registry.demo_loaders()
    position = {loader.app_label: index for index, loader in enumerate(loaders)}
    assert list(position) == [
        "directory",
        "accounts",
        "exchange",
        "people",
        "council",
        "assessment",
        "rehabilitation",
        # The dashboards' figures of them all (the bench's background cases, asked for with
        # KOPIR_DEMO_BACKGROUND_CASES, come before it).
        "oversight",
    ]
    for label, index in position.items():
        for dependency in configs[label].depends_on:
            if dependency in position:
                assert position[dependency] < index, f"{label} loads before {dependency}"


def test_serve_lists_the_demo_accounts_from_the_accounts_app():
    from kopir.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    lines = [
        line
        for loader in registry.demo_loaders()
        if loader.describe
        for line in import_string(loader.describe)()
    ]
    assert DEMO_PASSWORD in lines[0]
    accounts = lines[1 : 1 + len(DEMO_ACCOUNTS)]
    assert [line.split()[0] for line in accounts] == [a.username for a in DEMO_ACCOUNTS]
    # The apps after it say what else the demo runs (the exchange's webhook receiver).
    assert any("webhook receiver" in line for line in lines[1 + len(DEMO_ACCOUNTS) :])
