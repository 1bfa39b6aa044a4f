"""The demo accounts and the records the browser tests reach through them."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import Organisation
from kopir.people.models import Person
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory

# The demo accounts (accounts.demo) and the one password they share.
DEMO_PASSWORD = "kopir-demo-2026"
DEMO_ROLES: dict[str, str] = {
    "admin": Role.ADMINISTRATOR,
    "clinician": Role.CLINICIAN,
    "mse": Role.MSE_SPECIALIST,
    "mse-head": Role.MSE_HEAD,
    "agency": Role.AGENCY_OFFICER,
    "secretary": Role.COUNCIL_SECRETARY,
    "member": Role.COUNCIL_MEMBER,
    "chair": Role.COUNCIL_MEMBER,
}


@dataclass(frozen=True)
class Demo:
    users: dict[str, User]
    # URL arguments of the council's pages (tests/browser/council_pages.py), read once.
    council_arguments: dict[str, dict[str, Any]] = field(default_factory=dict)

    def user(self, username: str) -> User:
        return self.users[username]

    def person_for(self, user: User) -> Person:
        """A person the user's organisation has a link to, else any person (who should be refused)."""
        linked = Person.objects.filter(links__organisation=user.organisation_id).order_by("pk")
        person = linked.first() or Person.objects.order_by("pk").first()
        assert person is not None, "the demo has no persons"
        return person

    def organisation_for(self, user: User) -> Organisation:
        organisation = user.organisation or Organisation.objects.order_by("pk").first()
        assert organisation is not None, "the demo has no organisations"
        return organisation


def demo_data() -> Demo:
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_ROLES)}
    missing = sorted(set(DEMO_ROLES) - set(users))
    assert not missing, f"load_demo did not create the demo accounts {missing}"
    for username, role in DEMO_ROLES.items():
        assert users[username].has_role(role), f"demo account {username!r} lacks the role {role}"
    from tests.browser.council_pages import council_page_arguments

    return Demo(users=users, council_arguments=council_page_arguments())


def staff(role: str, **fields: Any) -> User:
    """A user with one role, made by the accounts factory (password: factories.PASSWORD)."""
    return cast(User, UserFactory(roles=[role], **fields))


def person_seen_by(user: User, **fields: Any) -> Person:
    """A person the user's organisation has a link to, so the user may find and open them."""
    person = cast(Person, PersonFactory(registered_by=user.organisation, **fields))
    PersonLinkFactory(person=person, organisation=user.organisation)
    return person


class DemoSnapshot:
    """The demo as first loaded into the browser tests' in-memory SQLite database, given back to
    each later test instead of loading it again (a few seconds of CPU each time).

    It keeps a copy of the whole database, taken and put back with SQLite's online backup (the
    schema, the audit triggers and the sequences included, so a test sees exactly what the first
    load left), and a copy of the files that load wrote under MEDIA_ROOT. The demo's dates are
    relative to today, so a copy from another (local) day is not used. Other databases (the
    browser tests on PostgreSQL) load the demo every time.
    """

    def __init__(self, media_copy: Path) -> None:
        self.media_copy = media_copy
        self.database: sqlite3.Connection | None = None
        self.loaded_on: dt.date | None = None

    @staticmethod
    def _in_memory_sqlite() -> sqlite3.Connection | None:
        connection = connections[DEFAULT_DB_ALIAS]
        if not isinstance(connection, SQLiteDatabase) or not connection.is_in_memory_db():
            return None
        # The live server shares this connection; a backup needs no transaction open on it.
        assert not connection.in_atomic_block, "the browser tests' database is transactional"
        connection.ensure_connection()
        return cast(sqlite3.Connection, connection.connection)

    def load(self, load_demo: Callable[[], object]) -> None:
        """Give the database the demo: the copy when there is one, else `load_demo` (then copied)."""
        database = self._in_memory_sqlite()
        media = Path(settings.MEDIA_ROOT)
        copy_usable = self.database is not None and self.loaded_on == timezone.localdate()
        if database is not None and self.database is not None and copy_usable:
            self.database.backup(database)
            shutil.copytree(self.media_copy, media, dirs_exist_ok=True)
            return
        files_before = _files(media)
        load_demo()
        if database is None:
            return
        if self.database is None:
            self.database = sqlite3.connect(":memory:")
        database.backup(self.database)
        shutil.rmtree(self.media_copy, ignore_errors=True)
        for name, stamp in _files(media).items():
            if files_before.get(name) != stamp:
                (self.media_copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(media / name, self.media_copy / name)
        self.media_copy.mkdir(parents=True, exist_ok=True)
        self.loaded_on = timezone.localdate()

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def _files(root: Path) -> dict[Path, tuple[int, int]]:
    """Every file under root, by its path relative to root, with its size and modification time."""
    if not root.is_dir():
        return {}
    found: dict[Path, tuple[int, int]] = {}
    for path in root.rglob("*"):
        if path.is_file():
            status = path.stat()
            found[path.relative_to(root)] = (status.st_size, status.st_mtime_ns)
    return found
