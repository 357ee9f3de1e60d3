"""iCalendar feeds: valid RFC 5545 that the icalendar library reads back, behind a personal access token."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from icalendar import Calendar

from oncobridge.accounts.services import token_create
from oncobridge.collaborations.services import checkin_create
from oncobridge.collaborations.tests.conftest import API, Joint, bearer, today
from oncobridge.conftest import Alliance


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_project_feed_lists_milestones_and_check_ins(alliance: Alliance, joint: Joint) -> None:
    when = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
    checkin = checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=when, agenda="Results")

    response = Client().get(f"{API}/joint-projects/{joint.project.pk}/calendar.ics", **bearer(alliance.paula))

    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    milestone = found[f"milestone-{joint.assay.pk}@127.0.0.1"]
    meeting = found[f"checkin-{checkin.pk}@127.0.0.1"]
    assert milestone["dtstart"].dt == today() + dt.timedelta(days=7)  # type: ignore[index]
    assert str(milestone["summary"]) == "Milestone: Assay validated (EGFR organoid screen)"  # type: ignore[index]
    assert meeting["dtstart"].dt == when  # type: ignore[index]
    assert str(meeting["description"]) == "Results"  # type: ignore[index]


def test_a_calendar_application_may_pass_the_token_in_the_url(alliance: Alliance, joint: Joint) -> None:
    secret = token_create(user=alliance.paula).secret

    response = Client().get(f"{API}/me/calendar.ics", {"token": secret})

    assert response.status_code == 200
    assert f"milestone-{joint.assay.pk}@127.0.0.1" in events(response.content)


def test_a_personal_feed_holds_only_the_persons_projects(alliance: Alliance, joint: Joint) -> None:
    response = Client().get(f"{API}/me/calendar.ics", **bearer(alliance.tess))

    assert events(response.content) == {}


def test_a_feed_without_a_token_is_refused(joint: Joint) -> None:
    assert Client().get(f"{API}/me/calendar.ics").status_code == 401
    assert Client().get(f"{API}/me/calendar.ics", {"token": "obt_wrong"}).status_code == 401


def test_an_outsider_gets_no_project_feed(alliance: Alliance, joint: Joint) -> None:
    response = Client().get(f"{API}/joint-projects/{joint.project.pk}/calendar.ics", **bearer(alliance.oscar))

    assert response.status_code == 404
