"""The seed's council, recreated: see kopir/council/demo_meetings.py and demo_followup.py."""

from __future__ import annotations


def load() -> str:
    from kopir.council.demo_followup import load as load_followup
    from kopir.council.demo_meetings import load as load_meetings

    return f"{load_meetings()}; {load_followup()}"
