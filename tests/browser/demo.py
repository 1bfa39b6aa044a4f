"""The demo accounts and the records the browser tests reach through them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

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
