"""The outbox is the only way Kopir tells anyone anything: no other code sends e-mail itself."""

from __future__ import annotations

import ast
from pathlib import Path

import kopir

KOPIR = Path(kopir.__file__).resolve().parent
NOTICES = KOPIR / "notices"
# Django's ways of sending mail directly; whoever imports one bypasses retries, language and audit.
SENDERS = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
}


def _direct_senders(source: str) -> list[str]:
    """Each use of a direct sender in `source`, as "line name"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.Name):
            names = [node.id]
        else:
            continue
        found += [f"{node.lineno} {name}" for name in names if name in SENDERS]
    return found


def test_no_code_outside_the_notices_app_sends_mail_directly() -> None:
    offenders = [
        f"{path.relative_to(KOPIR)}:{finding}"
        for path in sorted(KOPIR.rglob("*.py"))
        if NOTICES not in path.parents and "migrations" not in path.parts
        for finding in _direct_senders(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_the_check_finds_each_way_of_sending_directly() -> None:
    # The check above must be able to fail: these are the patterns the council used to have.
    source = (
        "from django.core.mail import send_mail\n"
        "from django.core import mail\n"
        "mail.EmailMessage('s', 'b', to=['x@example.test']).send()\n"
    )

    assert _direct_senders(source) == ["1 send_mail", "3 EmailMessage"]
