"""The council demo: the seed's council recreated.

- `meetings.py` loads the council, its compositions, work plan, a petition and its meetings
  (`meetings_data.py` the seats, plan and officials; `agendas.py` each meeting's agenda and
  speeches; `held_meetings.py` holding a meeting: attendance, votes, decisions);
- `followup.py` loads what followed: recommendations, minutes, monitoring visits and letters
  (`followup_data.py` their contents);
- `notifications.py` gives the secretary and the agencies' officers the due-date notifications
  the daily job gives on the day of loading: the answers due within three working days (the
  services above already notified the other events).
"""

from __future__ import annotations


def load() -> str:
    from kopir.council.demo.followup import load as load_followup
    from kopir.council.demo.meetings import load as load_meetings
    from kopir.council.demo.notifications import load as load_notifications

    return f"{load_meetings()}; {load_followup()}; {load_notifications()}"
