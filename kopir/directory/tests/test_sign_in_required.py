"""Every directory page sends an anonymous visitor to sign in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "of_an_organisation"),
    [
        ("directory:territory_list", False),
        ("directory:organisation_list", False),
        ("directory:organisation_create", False),
        ("directory:organisation_detail", True),
        ("directory:organisation_edit", True),
    ],
)
def test_an_anonymous_visitor_is_sent_to_sign_in(
    client: Client, organisation: Organisation, url_name: str, of_an_organisation: bool
) -> None:
    response = client.get(reverse(url_name, args=[organisation.pk] if of_an_organisation else []))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
