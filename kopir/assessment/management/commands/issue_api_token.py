"""Issue a bearer token to a medical information system that sends referrals for one clinic, or
to an agency's system that works the rehabilitation measures its organisation holds."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kopir.assessment.services.external_systems import external_system_issue_token
from kopir.core.errors import DomainError
from kopir.directory.models import Organisation


class Command(BaseCommand):
    help = (
        "Register an external system for a clinic or an executing organisation and print its API token (shown only once). "
        "With --rotate, give an existing system a new token; the old one stops working at once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("system_name", help="A short name, e.g. mis-oral-polyclinic-1.")
        parser.add_argument("organisation_code", help="The clinic's code, e.g. oral-polyclinic-1.")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the token of an existing system."
        )

    def handle(
        self, *args: Any, system_name: str, organisation_code: str, rotate: bool, **options: Any
    ) -> None:
        organisation = Organisation.objects.filter(code=organisation_code, is_active=True).first()
        if organisation is None:
            raise CommandError(f"No active organisation has the code {organisation_code!r}.")
        try:
            system, token = external_system_issue_token(
                name=system_name, organisation=organisation, rotate=rotate
            )
        except (DomainError, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(token)
        self.stderr.write(
            f"Token for {system.name} ({organisation.code}); it begins {system.token_prefix}. "
            "Store it now: Kopir keeps only its hash and cannot show it again."
        )
