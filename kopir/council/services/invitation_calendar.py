"""The iCalendar file (RFC 5545) sent with a meeting's invitation, its update and its cancellation.

One calendar event per meeting: the UID is the meeting's, so a calendar that holds the event
replaces it when an update (a higher SEQUENCE) or a cancellation (METHOD:CANCEL) arrives. The
time is written in the project's zone (Asia/Oral) with its VTIMEZONE, the texts in the
recipient's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from kopir.core.registry import schedule_time_zone
from kopir.council.bilingual import in_reader_language
from kopir.council.models import Meeting
from kopir.notices.services import Attachment

# A meeting has a start only; calendars need an end. Two hours is what the council's sittings
# usually take; the invitation's text gives the start alone.
MEETING_LENGTH = dt.timedelta(hours=2)
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarInvitee:
    """Who the file is for: their address and name, and the language of its texts."""

    address: str
    name: str
    language: str


def meeting_uid(meeting: Meeting) -> str:
    """The event's UID: the same for every file about this meeting, for everyone."""
    host = urlsplit(settings.KOPIR_SITE_URL).hostname or "kopir"
    return f"council-meeting-{meeting.pk}@{host}"


def meeting_location(meeting: Meeting) -> str:
    """The place (in the active language) and the online link, as the calendar shows them."""
    place = in_reader_language(meeting, "place")
    return " — ".join(part for part in (place, meeting.online_link) if part)


def location_sent(meeting: Meeting) -> str:
    """What an invitation records as the place it told, in every language it may have told it
    (so a changed Russian place also makes the invitations out of date); a meeting without a
    Russian place records what the calendar shows in Kazakh, as invitations always recorded."""
    russian = meeting.place_ru if meeting.place_ru != meeting.place else ""
    parts = (meeting.place, russian, meeting.online_link)
    return " — ".join(part for part in parts if part)[:600]


def meeting_ends_at(meeting: Meeting) -> dt.datetime:
    return meeting.starts_at + MEETING_LENGTH


def meeting_summary(meeting: Meeting) -> str:
    """The event's title, in the active language."""
    return _("Meeting No. %(number)s of the %(council)s") % {
        "number": meeting.number,
        "council": meeting.council.organisation.short_name,
    }


def meeting_calendar(
    *,
    meeting: Meeting,
    invitee: CalendarInvitee,
    method: str,
    sequence: int,
    description: str,
    url: str,
) -> Attachment:
    """The .ics for one invitee: METHOD:REQUEST (new or updated) or METHOD:CANCEL."""
    zone = schedule_time_zone()
    organiser_address = meeting.council.organisation.email or settings.DEFAULT_FROM_EMAIL
    with translation.override(invitee.language):
        summary = meeting_summary(meeting)
        calendar = Calendar()
        calendar.add("prodid", "-//Kopir//Public council//KK")
        calendar.add("version", "2.0")
        calendar.add("method", method)
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("sequence", sequence)
        event.add("dtstamp", timezone.now().astimezone(dt.UTC))
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting_ends_at(meeting).astimezone(zone))
        event.add("summary", summary)
        event.add("description", description)
        location = meeting_location(meeting)
        if location:
            event.add("location", location)
        event.add("url", url)
        event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
        organiser = vCalAddress(f"mailto:{organiser_address}")
        organiser.params["cn"] = meeting.council.organisation.short_name
        event.add("organizer", organiser)
        attendee = vCalAddress(f"mailto:{invitee.address}")
        attendee.params["cn"] = invitee.name
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        event.add("attendee", attendee)
        calendar.add_component(event)
        # The zone's rules for the years around the meeting, not its whole history.
        day = timezone.localdate(meeting.starts_at)
        calendar.add_missing_timezones(
            first_date=day - dt.timedelta(days=366), last_date=day + dt.timedelta(days=366)
        )
    name = "cancelled.ics" if method == CANCEL else "invitation.ics"
    return Attachment(
        filename=f"meeting-{meeting.number}-{name}",
        content=calendar.to_ical(),
        mime_type=f"text/calendar; method={method}",
    )
