from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import factory

from kopir.accounts.models import RoleAssignment, User
from kopir.directory.tests.factories import OrganisationFactory

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Айгүл"
    last_name = "Сынақова"
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Sequence[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            for role in extracted:
                RoleAssignment.objects.create(user=self, role=role)
        if create:
            self.save()
