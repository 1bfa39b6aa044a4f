from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import factory

from kopir.accounts.models import RoleAssignment, User, fold_for_search
from kopir.directory.tests.factories import OrganisationFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    if TYPE_CHECKING:
        # Calling the factory returns the account it made; say so to the type checker.
        def __new__(cls, *args: Any, **kwargs: Any) -> User: ...  # type: ignore[misc]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Айгүл"
    last_name = "Сынақова"
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    # What the services keep up to date, so searches find factory-made accounts too.
    search_text = factory.LazyAttribute(
        lambda user: "\n".join(
            fold_for_search(value) for value in (user.username, user.first_name, user.last_name)
        )
    )

    @factory.post_generation
    def roles(self, create: bool, extracted: Sequence[str] | None, **kwargs: Any) -> None:
        user = cast(User, self)  # factory_boy hands the built account to post-generation hooks
        if create and extracted:
            for role in extracted:
                RoleAssignment.objects.create(user=user, role=role)
        if create:
            user.save()
