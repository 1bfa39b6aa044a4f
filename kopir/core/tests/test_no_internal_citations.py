"""No page cites Kopir's internal domain notes: users read the law, not our working files.

The whole demo is loaded once, and every demo account (and an anonymous visitor) follows the links
it is shown, one page per kind of page, in Kazakh or Russian. Data (rule sets, reference sources) is
where such citations slipped in before, so the check runs on rendered pages, not on templates.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from kopir.accounts.models import User

pytestmark = pytest.mark.django_db

# A citation of working notes: any Markdown file name, the notes' folder, or a section sign.
INTERNAL_CITATION = re.compile(r"\b[\w-]+\.md\b|docs/domain|§")
# Pages that change data even on GET, or only stream files, are not followed.
SKIPPED_PATH = re.compile(r"logout|sign-out|/api/|\.(pdf|docx|csv|json)$|download")
ACCOUNTS_AND_LANGUAGES = [
    (None, "kk"),
    ("admin", "ru"),
    ("clinician", "kk"),
    ("mse", "ru"),
    ("mse-head", "kk"),
    ("agency", "ru"),
    ("agency", "kk"),
    ("secretary", "ru"),
    ("member", "kk"),
    ("chair", "ru"),
]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _page_kind(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _pages_with_citations(client: Client, language: str) -> tuple[int, dict[str, list[str]]]:
    """Follow links breadth-first from the home page; one page of each view is enough."""
    prefix = f"/{language}/"
    # The council's public page is open to anyone, but no page of a signed-out visitor links to it.
    public_page = reverse("council:public_council", kwargs={"slug": "wko-social"})
    queue: deque[str] = deque([prefix, public_page])
    seen_kinds: set[str] = set()
    found: dict[str, list[str]] = {}
    visited = 0
    while queue:
        path = queue.popleft()
        kind = _page_kind(path)
        if kind is None or kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        content = response.content.decode()
        citations = INTERNAL_CITATION.findall(content)
        if citations:
            found[path] = citations
        parser = _Links()
        parser.feed(content)
        for href in parser.hrefs:
            url = urldefrag(href).url
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
                continue
            if not SKIPPED_PATH.search(parts.path):
                queue.append(parts.path)
    return visited, found


def test_no_page_a_demo_account_reaches_cites_the_internal_notes(
    settings: pytest.FixtureRequest,
) -> None:
    settings.KOPIR_REQUIRE_2FA = False  # type: ignore[attr-defined]
    # One load for every account: the demo (ICD-10 included) takes seconds to load.
    call_command("load_demo", stdout=StringIO())
    found: dict[tuple[str, str], dict[str, list[str]]] = {}

    for username, language in ACCOUNTS_AND_LANGUAGES:
        client = Client()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        with translation.override(language):
            visited, citations = _pages_with_citations(client, language)
        assert visited >= 3, f"{username} ({language}) reached only {visited} pages"
        if citations:
            found[(username or "anonymous", language)] = citations

    assert found == {}
