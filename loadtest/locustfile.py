"""Kopir's load test: the people who use Kopir, each walking their own pages (docs/performance.md).

Run by `make loadtest` (loadtest/run.py) against the demo data, two web processes behind nginx.
Each signed-in user signs in once with a demo account (two-factor sign-in is off in the demo) and
then, with a person's pauses, opens their work list and a record from it. A page that sends a
signed-in user back to the sign-in page is a failure: the session was not seen by the process
that answered, and sessions must hold across processes. Only reads: the demo's cases stay as they
were, so runs compare.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("KOPIR_LOADTEST_PASSWORD", "kopir-demo-2026")
LOGIN = "/kk/accounts/login/"
# The pages' own times, sign-in left out: signing in hashes the password on purpose (Argon2), so
# it is reported on its own rather than mixed into the pages' percentiles.
page_times: list[float] = []


@events.request.add_listener
def _page_time(name: str, response_time: float, exception: Any, **_: Any) -> None:
    if not name.startswith("sign") and exception is None:
        page_times.append(response_time)


@events.test_stop.add_listener
def _write_page_figures(**_: Any) -> None:
    target = os.environ.get("KOPIR_LOADTEST_PAGES")
    if not target or len(page_times) < 2:
        return
    cuts = statistics.quantiles(page_times, n=100)
    percentiles = {f"p{at}_ms": round(cuts[at - 1]) for at in (50, 95, 99)}
    with open(target, "w") as file:
        json.dump({"requests": len(page_times), **percentiles}, file)


class Visitor(HttpUser):
    """What every user shares: a person's pauses, and following a link found on a page."""

    abstract = True
    wait_time = between(1, 3)

    def open(self, path: str, name: str) -> str:
        """GET `path`; its text, or "" after recording a failure."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
                return ""
            if LOGIN in response.url and LOGIN not in path:
                response.failure(f"sent to the sign-in page from {path}: session not seen")
                return ""
            response.success()
            return response.text

    def walk(self, start: str, name: str, *links: tuple[str, str]) -> str:
        """Open `start`, then on each page one of the links matching the next pattern (a regular
        expression of paths), named for locust's figures; stop where a page has none."""
        page = self.open(start, name)
        for pattern, link_name in links:
            found = sorted(set(re.findall(f'href="({pattern})"', page)))
            if not found:
                break
            page = self.open(random.choice(found), link_name)
        return page


class StaffMember(Visitor):
    """A member of staff: signs in once with one of `accounts`."""

    abstract = True
    accounts: tuple[str, ...] = ()

    def on_start(self) -> None:
        username = random.choice(self.accounts)
        self.client.get(LOGIN, name="sign-in page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            LOGIN,
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{username} could not sign in: {response.status_code}")
                raise StopUser
            response.success()

    @task(1)
    def home(self) -> None:
        self.open("/kk/", "home: today's work")


class Clinician(StaffMember):
    """A polyclinic's doctor: the clinic's referrals, one of them, the person registry."""

    accounts = ("clinician",)
    weight = 3

    @task(4)
    def referrals(self) -> None:
        self.walk(
            "/kk/mse/clinic/",
            "clinic: referrals",
            (r"/kk/mse/clinic/referrals/\d+/", "clinic: a referral"),
        )

    @task(2)
    def persons(self) -> None:
        self.walk("/kk/people/", "clinic: persons", (r"/kk/people/\d+/", "clinic: a person"))


class DivisionStaff(StaffMember):
    """The MSE division: the queue of referrals, a case, its timeline; the overdue ones."""

    accounts = ("mse-head", "mse")
    weight = 3

    @task(4)
    def queue(self) -> None:
        self.walk(
            "/kk/mse/division/",
            "division: queue",
            (r"/kk/mse/division/referrals/\d+/", "division: a case"),
            (r"/kk/mse/division/referrals/\d+/timeline/", "division: timeline"),
        )

    @task(1)
    def overdue(self) -> None:
        self.open("/kk/mse/division/?overdue=on", "division: queue, overdue")


class Expert(StaffMember):
    """An MSE expert: the assignments, one depersonalised case."""

    accounts = ("mse-expert-2", "mse-expert-3")
    weight = 2

    @task
    def assignments(self) -> None:
        self.walk(
            "/kk/mse/expert/",
            "expert: work list",
            (r"/kk/mse/expert/assignments/\d+/", "expert: an assignment"),
        )


class AgencyOfficer(StaffMember):
    """An executing organisation's officer: the measures it holds, one of them."""

    accounts = ("agency", "career", "health", "education")
    weight = 3

    @task
    def measures(self) -> None:
        self.walk(
            "/kk/rehabilitation/agency/measures/",
            "agency: measures",
            (r"/kk/rehabilitation/agency/measures/\d+/", "agency: a measure"),
        )


class CouncilMember(StaffMember):
    """The public council's secretary, chair and members: the councils, one council, its meetings
    and its petitions."""

    accounts = ("secretary", "chair", "member")
    weight = 2

    @task
    def council(self) -> None:
        council = self.walk(
            "/kk/council/",
            "council: councils",
            (r"/kk/council/(?!public/)[a-z0-9-]+/", "council: a council"),
        )
        slug = re.search(r'href="/kk/council/([a-z0-9-]+)/meetings/"', council)
        if slug:
            self.open(f"/kk/council/{slug[1]}/meetings/", "council: meetings")
            self.open(f"/kk/council/{slug[1]}/petitions/", "council: petitions")


class PublicVisitor(Visitor):
    """Anyone, not signed in: the front door, the public council pages, the citizen status page
    and the petition form."""

    weight = 4

    @task(2)
    def front_door(self) -> None:
        self.open("/kk/", "public: front door")

    @task(4)
    def public_council(self) -> None:
        self.walk(
            "/kk/council/public/",
            "public: councils",
            (r"/kk/council/public/[a-z0-9-]+/", "public: a council"),
            (
                r"/kk/council/public/[a-z0-9-]+/(?:meetings|letters|visits|petitions)/",
                "public: a council's list",
            ),
        )

    @task(1)
    def citizen_status(self) -> None:
        self.open("/kk/mse/status/", "public: citizen status")

    @task(1)
    def petition_form(self) -> None:
        page = self.open("/kk/council/public/", "public: councils")
        slug = re.search(r'href="/kk/council/public/([a-z0-9-]+)/"', page)
        if slug:
            self.open(f"/kk/council/{slug[1]}/petition/", "public: petition form")
