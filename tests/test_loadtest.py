"""The load test's scenario (loadtest/locustfile.py) loads in locust and has every kind of user.

The load test itself runs with `make loadtest` (docs/performance.md), not in the suite: it takes
minutes and the whole machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_scenario_has_clinicians_division_experts_agencies_council_and_the_public():
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "loadtest/locustfile.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert set(listed) >= {
        "Clinician",
        "DivisionStaff",
        "Expert",
        "AgencyOfficer",
        "CouncilMember",
        "PublicVisitor",
    }
    # The abstract classes are not users of their own.
    assert not {"Visitor", "StaffMember"} & set(listed)
