"""What the apps offer the project as a whole: menu entries, home-page items, header links,
searchable kinds of record, citation sources, periodic jobs, demo loaders and demo processes.

Core imports no app. Each app registers what it offers from its `AppConfig.ready()` (the way
NetBox plugins register menu items), and core only reads this registry: the navigation
(`core/navigation.py`), the worker's scheduler (`core/periodic.py`) and `manage.py load_demo`.
Jobs and demo loaders are named by their dotted path so that registering imports nothing heavy,
and so that a periodic job's `PeriodicJob` row keeps the name it is stored under.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class MenuEntry:
    """A page offered in the main navigation to the users `allowed` says yes to.

    The page's view still decides access on its own: the menu only decides what is offered.
    Entries are shown by `order` (lowest first); apps leave gaps of ten for later entries.
    """

    label: str | Promise
    url_name: str
    allowed: Callable[[Any], bool]
    order: int


@dataclass(frozen=True)
class HomeItem:
    """A count of work on the signed-in home page, linked to the list that shows those records.

    `count(user)` answers how many records of the kind the user has to act on (one indexed
    COUNT, never a loop over rows); `url(user)` is the list filtered to exactly those records.
    `empty` is said instead when there are none. Items are grouped under `section` and shown by
    `order`, the way the menu is; `allowed` is a predicate from the app's `access.py`.
    """

    key: str
    section: str | Promise
    label: str | Promise
    empty: str | Promise
    allowed: Callable[[Any], bool]
    count: Callable[[Any], int]
    url: Callable[[Any], str]
    order: int


@dataclass(frozen=True)
class SearchHit:
    """One record found by the staff search, as its result line shows it: never a person's data.
    `lang` is the title's language where it is not the page's (a text kept in two languages shown
    in the half that was written), for the link's `lang` attribute."""

    title: str
    date: dt.date | dt.datetime | None
    url: str
    lang: str = ""


@dataclass(frozen=True)
class SearchKind:
    """A kind of record the staff search (`core/search.py`, `/<lang>/search/`) looks through.

    `find(user, text)` answers the records of this kind the user may open that match `text`
    (already stripped; the app decides what matches: a number exactly, words anywhere through
    `core.search.contains_text`), newest first, or None when `text` cannot match this kind. The
    app's access rules are applied there, never by core. `shown(user, records, request)` turns the
    records of the page shown into hits; where they reach personal data it writes the audit record.
    `allowed` is a predicate from the app's `access.py`: the roles this kind is searched for.
    """

    key: str
    label: str | Promise
    allowed: Callable[[Any], bool]
    find: Callable[[Any, str], Any]
    shown: Callable[[Any, list[Any], Any], list[SearchHit]]
    order: int


@dataclass(frozen=True)
class HeaderLink:
    """A link in the account menu at the top of every page, with a count beside it (the unread
    notifications). `count(user)` is one indexed COUNT, read only when a whole page is drawn;
    `count_text(n)` says the number in words for screen readers ("3 unread")."""

    key: str
    label: str | Promise
    url_name: str
    allowed: Callable[[Any], bool]
    count: Callable[[Any], int]
    count_text: Callable[[int], str]
    order: int


@dataclass(frozen=True)
class CitedTable:
    """A table of figures a record cites, as a document prints it: its title, what it shows
    (period, filters, when it was saved…) as label and value, its column heads and its rows."""

    title: str
    details: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # The day the figures are of: where a dossier's timeline puts them.
    as_of: dt.date


@dataclass(frozen=True)
class CitationSource:
    """Figures one app lets another app's records cite without that app importing it (the
    oversight's dashboard snapshots in the council's agenda items, recommendations and letters).

    `panel(request, record)` is the section the record's page shows: the figures it cites and,
    to a user who may, the forms to cite or remove one ("" for nothing); `tables(records, lang)`
    gives, for a document in `lang`, the tables each record cites, keyed by the record (a fixed
    number of queries whatever the number of records).
    """

    key: str
    panel: Callable[[Any, Any], str]
    tables: Callable[[list[Any], str], dict[Any, list[CitedTable]]]


def schedule_time_zone() -> zoneinfo.ZoneInfo:
    # The project's zone (Asia/Oral, UTC+5 all year), never the zone a request activated.
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class DailyAt:
    """Once a day at a local wall-clock time, e.g. DailyAt(dt.time(6)) for 06:00 in Oral."""

    at: dt.time

    def latest_slot(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(schedule_time_zone())
        slot = dt.datetime.combine(local.date(), self.at, tzinfo=local.tzinfo)
        return slot if slot <= local else slot - DAY

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M} local"


@dataclass(frozen=True)
class Every:
    """At fixed points of the local clock: every 2 minutes means :00, :02, :04…, every 6 hours
    means 00:00, 06:00, 12:00 and 18:00, whenever the worker happened to start."""

    interval: dt.timedelta

    def __post_init__(self) -> None:
        if self.interval <= dt.timedelta(0) or DAY % self.interval:
            raise ImproperlyConfigured(f"{self.interval} does not divide a day into equal slots")

    def latest_slot(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(schedule_time_zone())
        midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=local.tzinfo)
        return midnight + ((local - midnight) // self.interval) * self.interval

    def __str__(self) -> str:
        return f"every {self.interval}"


@dataclass(frozen=True)
class PeriodicTask:
    """A django-tasks task the worker enqueues once per slot of its schedule."""

    task_path: str  # "kopir.<app>.tasks.<task>"
    schedule: DailyAt | Every

    def is_due(self, last_enqueued_at: dt.datetime | None, now: dt.datetime) -> bool:
        # A slot missed while no worker ran is caught up once, on the next tick; never twice.
        return last_enqueued_at is None or last_enqueued_at < self.schedule.latest_slot(now)


@dataclass(frozen=True)
class DemoLoader:
    """An app's idempotent demo loader (`load() -> str`, a one-line summary), run by `order`.

    `describe`, if set, names a function returning lines `manage.py serve` prints for visitors
    of the demo (e.g. the demo accounts).
    """

    app_label: str
    load_path: str
    order: int
    describe: str | None = None


@dataclass(frozen=True)
class DemoProcess:
    """A management command `manage.py serve` runs beside the web server in the demo only (e.g.
    the exchange's local webhook receiver), stopped with it."""

    app_label: str
    command: tuple[str, ...]  # ("exchange_demo_receiver",): manage.py's arguments


def add_once(items: list[Any], item: Any, key: Callable[[Any], str]) -> None:
    """Append `item` to `items` unless an equal one is there under its `key`.

    ready() may run again (a test re-populating the app registry): the same entry twice is
    harmless, but two different entries under one name would make one of them vanish. Apps keep
    their own lists of kinds this way too (notices' staff notification kinds).
    """
    for existing in items:
        if key(existing) == key(item):
            if existing != item:
                raise ImproperlyConfigured(f"{key(item)} is registered twice, differently")
            return
    items.append(item)


@dataclass
class Registry:
    menu: list[MenuEntry] = field(default_factory=list)
    home: list[HomeItem] = field(default_factory=list)
    search: list[SearchKind] = field(default_factory=list)
    header: list[HeaderLink] = field(default_factory=list)
    jobs: list[PeriodicTask] = field(default_factory=list)
    demo: list[DemoLoader] = field(default_factory=list)
    demo_processes: list[DemoProcess] = field(default_factory=list)
    citations: list[CitationSource] = field(default_factory=list)

    def add_menu(self, *entries: MenuEntry) -> None:
        for entry in entries:
            self._add(self.menu, entry, lambda e: e.url_name)

    def add_home(self, *items: HomeItem) -> None:
        for item in items:
            self._add(self.home, item, lambda i: i.key)

    def add_search(self, *kinds: SearchKind) -> None:
        for kind in kinds:
            self._add(self.search, kind, lambda k: k.key)

    def add_header(self, *links: HeaderLink) -> None:
        for link in links:
            self._add(self.header, link, lambda h: h.key)

    def add_jobs(self, *jobs: PeriodicTask) -> None:
        for job in jobs:
            self._add(self.jobs, job, lambda j: j.task_path)

    def add_demo(self, loader: DemoLoader) -> None:
        self._add(self.demo, loader, lambda d: d.load_path)

    def add_demo_process(self, process: DemoProcess) -> None:
        self._add(self.demo_processes, process, lambda p: " ".join(p.command))

    def add_citations(self, *sources: CitationSource) -> None:
        for source in sources:
            self._add(self.citations, source, lambda c: c.key)

    _add = staticmethod(add_once)

    def menu_entries(self) -> list[MenuEntry]:
        return sorted(self.menu, key=lambda entry: entry.order)

    def home_items(self) -> list[HomeItem]:
        return sorted(self.home, key=lambda item: item.order)

    def search_kinds(self) -> list[SearchKind]:
        return sorted(self.search, key=lambda kind: kind.order)

    def header_links(self) -> list[HeaderLink]:
        return sorted(self.header, key=lambda link: link.order)

    def periodic_tasks(self) -> list[PeriodicTask]:
        return list(self.jobs)

    def demo_loaders(self) -> list[DemoLoader]:
        return sorted(self.demo, key=lambda loader: loader.order)

    def cited_tables(self, records: list[Any], lang: str) -> dict[Any, list[CitedTable]]:
        """Every table each of `records` cites, from every source, for a document in `lang`."""
        cited: dict[Any, list[CitedTable]] = {}
        for source in self.citations:
            for record, tables in source.tables(records, lang).items():
                cited.setdefault(record, []).extend(tables)
        return cited


registry = Registry()
