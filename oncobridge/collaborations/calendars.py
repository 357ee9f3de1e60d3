"""RFC 5545 iCalendar feeds of milestones (all-day, on their due date) and check-ins (one hour)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event

from oncobridge.collaborations.models import CheckIn, Milestone

CHECKIN_LENGTH = dt.timedelta(hours=1)


def _domain() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith(("*", "."))]
    return hosts[0] if hosts else "oncobridge.invalid"


def calendar_render(*, name: str, milestones: Iterable[Milestone], checkins: Iterable[CheckIn]) -> bytes:
    domain = _domain()
    stamp = dt.datetime.now(tz=dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//OncoBridge//Collaborations//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for milestone in milestones:
        event = Event()
        event.add("uid", f"milestone-{milestone.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.due_date)
        event.add("dtend", milestone.due_date + dt.timedelta(days=1))
        kind = "Deliverable" if milestone.is_deliverable else "Milestone"
        event.add("summary", f"{kind}: {milestone.title} ({milestone.project.title})")
        event.add(
            "description", f"Status: {milestone.get_status_display()}\n\n{milestone.description}".strip()
        )
        event.add("categories", [kind])
        calendar.add_component(event)
    for checkin in checkins:
        event = Event()
        event.add("uid", f"checkin-{checkin.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", checkin.scheduled_at.astimezone(dt.UTC))
        event.add("dtend", (checkin.scheduled_at + CHECKIN_LENGTH).astimezone(dt.UTC))
        event.add("summary", f"Check-in: {checkin.project.title}")
        if checkin.agenda:
            event.add("description", checkin.agenda)
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
