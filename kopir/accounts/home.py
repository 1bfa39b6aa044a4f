"""The administrators' count of locked-out accounts on the signed-in home page (registered in
`apps.py`), opening the account list filtered to them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from kopir.accounts.selectors import locked_count


def locked_accounts_count(user: Any) -> int:
    return locked_count()


def locked_accounts_url(user: Any) -> str:
    return f"{reverse('accounts:user_list')}?{urlencode({'locked': 'on'})}"
