"""The patient's private iCalendar feed of exercise days, and its subscription link.

Calendar apps fetch the feed without signing in, so the unguessable token in its URL is the
credential (`CalendarFeed`); resetting the link makes the old one answer 404. The feed sits on
other companies' calendar servers once subscribed to, so it says only "Neck exercises" and when:
no exercise names, pain figures, program titles or anything else about the patient's health.

Events: one per program day (a day on which any program prescribes an exercise: its dates, its
days of the week, not paused) from `PAST_DAYS` before the patient's today to `FUTURE_DAYS` after,
at each of the patient's reminder times in their time zone (a 15-minute event with a TZID), or
as an all-day event when they have none. UIDs are derived from the patient, the date and the time,
so the same event keeps its UID from one fetch to the next and calendar apps update it in place.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from accounts.models import Role, User
from rehab.programs.models import ProgramItem, ProgramPause
from rehab.programs.services import patient_today

from .models import CalendarFeed

PAST_DAYS = 14
FUTURE_DAYS = 56
EVENT_MINUTES = 15
SUMMARY = "Neck exercises"
_UID_NAMESPACE = uuid.UUID("5f0b7d2e-2a8c-4c51-9d4b-3f6a1e0c7b42")


# --- The subscription link (writes) ---------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, patient: User) -> CalendarFeed:
    """Create the patient's feed link, or replace its token so the old link stops working."""
    feed, _ = CalendarFeed.objects.update_or_create(
        patient=patient,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    return feed


@transaction.atomic
def calendar_feed_remove(*, patient: User) -> None:
    """Turn the feed off: the link answers 404 from now on."""
    CalendarFeed.objects.filter(patient=patient).delete()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed of an active patient with this token, else None."""
    return (
        CalendarFeed.objects.select_related("patient__patient_profile")
        .filter(token=token, patient__is_active=True, patient__role=Role.PATIENT)
        .first()
    )


# --- Which days and times -----------------------------------------------------------------------


def program_days(*, patient: User, start: date, end: date) -> list[date]:
    """The local dates in [start, end] on which any of the patient's programs prescribes an
    exercise: within an item's dates, on one of its days of the week, and not paused.

    Two queries whatever the window; the loop runs over at most a few months of days.
    """
    items = list(
        ProgramItem.objects.filter(version__program__patient=patient, active_from__lte=end)
        .exclude(active_to__lt=start)
        .values_list("version__program_id", "active_from", "active_to", "days_of_week")
    )
    pauses = list(
        ProgramPause.objects.filter(program__patient=patient, starts_on__lte=end)
        .exclude(ends_on__lt=start)
        .values_list("program_id", "starts_on", "ends_on")
    )

    def paused(program_id: int, day: date) -> bool:
        return any(
            pid == program_id and starts <= day and (ends is None or day <= ends)
            for pid, starts, ends in pauses
        )

    days = []
    day = start
    while day <= end:
        bit = 1 << day.weekday()
        if any(
            active_from <= day
            and (active_to is None or day <= active_to)
            and days_of_week & bit
            and not paused(program_id, day)
            for program_id, active_from, active_to, days_of_week in items
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def _parse_times(values: object) -> list[time]:
    parsed = set()
    for value in values if isinstance(values, list) else []:
        try:
            parsed.add(time.fromisoformat(str(value)))
        except ValueError:
            continue
    return sorted(parsed)


def exercise_times(patient: User) -> list[time]:
    """The local times the patient chose for exercise reminders (their reminder settings,
    else the times on their profile); empty when they chose none."""
    from rehab.reminders.models import ReminderPreferences

    chosen = (
        ReminderPreferences.objects.filter(patient=patient).values_list("times", flat=True).first()
    )
    return _parse_times(chosen) or _parse_times(patient.patient_profile.reminder_times)


# --- The feed -----------------------------------------------------------------------------------


def _uid(patient: User, day: date, at: time | None) -> str:
    slot = at.strftime("%H%M") if at else "all-day"
    host = urlsplit(settings.SITE_URL).hostname or "neck-rehab"
    return f"{uuid.uuid5(_UID_NAMESPACE, f'{patient.public_id}:{day}:{slot}')}@{host}"


def today_url() -> str:
    return f"{settings.SITE_URL}{reverse('today')}"


def calendar_ics(*, patient: User, now: datetime | None = None) -> bytes:
    """The feed as iCalendar bytes (RFC 5545), for the patient's window around their today."""
    now = now or timezone.now()
    zone = ZoneInfo(patient.patient_profile.time_zone)
    today = patient_today(patient)
    start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    # No chosen times: one all-day event (None) per day.
    slots: list[time | None] = [*exercise_times(patient)] or [None]
    url = today_url()
    description = f"Time for your neck exercises. Open the app to see today's plan: {url}"

    calendar = Calendar()
    calendar.add("prodid", "-//Neck Rehab Tracker//Exercise days//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", SUMMARY)
    calendar.add("x-wr-timezone", str(zone))
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for day in program_days(patient=patient, start=start, end=end):
        for at in slots:
            event = Event()
            event.add("uid", _uid(patient, day, at))
            event.add("dtstamp", now)
            event.add("summary", SUMMARY)
            event.add("description", description)
            event.add("url", url)
            if at is None:
                event.add("dtstart", day)
                event.add("dtend", day + timedelta(days=1))
                event.add("transp", "TRANSPARENT")
            else:
                starts = datetime.combine(day, at, tzinfo=zone)
                event.add("dtstart", starts)
                event.add("dtend", starts + timedelta(minutes=EVENT_MINUTES))
            calendar.add_component(event)
    calendar.add_missing_timezones(first_date=start, last_date=end + timedelta(days=1))
    return calendar.to_ical()
