"""Run axe-core on a page and describe its violations so a developer can fix them without a trace."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

# WCAG 2.1 levels A and AA: the standard Kopir promises. Best-practice rules are not run, so a
# violation is always a failure to meet the standard, never a matter of taste.
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@cache
def _axe() -> Axe:
    # Axe reads its 500 kB script from disk when created: once per session is enough.
    return Axe()


# axe.run() resolves to every rule's result (passes, inapplicable and incomplete too, a few
# hundred kB on a long page); only the violations cross back to Python. Null when the page has no
# axe yet (a page opened without install_axe): the script is then sent and the run asked again.
_RUN_AXE = (
    "options => typeof axe === 'undefined' ? null"
    " : axe.run(document, options).then(results => results.violations)"
)


def install_axe(context: BrowserContext) -> None:
    """Give every page the context opens axe-core as it starts (an init script, which the CSP does
    not govern), for a test that axe-checks nearly every page it opens (the every-page walk): the
    500 kB script then crosses from Python to Chromium once per test, not once per page checked.
    Elsewhere it is not worth it: the init script runs in every page opened, checked or not, and a
    flow opens many pages for each one it checks. axe only defines itself on load; it reads the
    page when run."""
    context.add_init_script(script=_axe().axe_script)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The violations axe-core finds on the page as it is now."""
    violations = page.evaluate(_RUN_AXE, AXE_OPTIONS)
    if violations is None:
        # Injected by evaluate, so the CSP allows it.
        page.evaluate(_axe().axe_script)
        violations = page.evaluate(_RUN_AXE, AXE_OPTIONS)
    return cast(list[dict[str, Any]], violations)


def describe_violations(where: str, violations: list[dict[str, Any]]) -> str:
    """One readable block per page: rule, impact, what to do, and where on the page."""
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(
            f"  - {violation['id']} [{violation.get('impact') or 'n/a'}] {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", [])[:5]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"      at {target}")
        if len(violation.get("nodes", [])) > 5:
            lines.append(f"      … and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


def axe_problems(page: Page, where: str) -> list[str]:
    """An empty list when the page passes, else one description to add to a test's failures."""
    violations = axe_violations(page)
    return [describe_violations(where, violations)] if violations else []


def assert_no_axe_violations(page: Page, where: str = "") -> None:
    problems = axe_problems(page, where or page.url)
    assert not problems, "\n".join(problems)
