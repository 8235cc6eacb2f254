"""The reminder schedule arithmetic: hand-worked DST days in six zones, then properties.

Expected instants are worked out by hand from each zone's offsets (EST = UTC-5, EDT = UTC-4;
GMT/BST; AEST +10/AEDT +11; IST +5:30; CHAST +12:45/CHADT +13:45; LHST +10:30/LHDT +11).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehab.reminders.schedule import (
    ALL_DAYS,
    QuietHours,
    local_occurrence,
    next_due,
    nudge_times,
    occurrences_between,
    posture_nudges,
)

MON, TUE, WED, THU, FRI, SAT, SUN = (1 << n for n in range(7))
WEEKDAYS = MON | TUE | WED | THU | FRI


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at_utc(text: str) -> datetime:
    """ "2026-03-08 07:00" read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def walls(instants: list[datetime], zone: ZoneInfo) -> list[datetime]:
    """The local wall clock of each instant, naive, for comparing with what a patient sees."""
    return [i.astimezone(zone).replace(tzinfo=None) for i in instants]


# --- Hand-worked DST days ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A DST change (or, for Kolkata, an ordinary day) and 08:00's instants around it."""

    zone: str
    day: str
    eight_am: tuple[str, str, str]  # in UTC: the day before, the day of, the day after


CHANGES = [
    Change(
        "America/New_York",
        "2026-03-08",
        ("2026-03-07 13:00", "2026-03-08 12:00", "2026-03-09 12:00"),
    ),
    Change(
        "America/New_York",
        "2026-11-01",
        ("2026-10-31 12:00", "2026-11-01 13:00", "2026-11-02 13:00"),
    ),
    Change(
        "Europe/London", "2026-03-29", ("2026-03-28 08:00", "2026-03-29 07:00", "2026-03-30 07:00")
    ),
    Change(
        "Europe/London", "2026-10-25", ("2026-10-24 07:00", "2026-10-25 08:00", "2026-10-26 08:00")
    ),
    Change(
        "Australia/Sydney",
        "2026-04-05",
        ("2026-04-03 21:00", "2026-04-04 22:00", "2026-04-05 22:00"),
    ),
    Change(
        "Australia/Sydney",
        "2026-10-04",
        ("2026-10-02 22:00", "2026-10-03 21:00", "2026-10-04 21:00"),
    ),
    Change(
        "Asia/Kolkata", "2026-03-08", ("2026-03-07 02:30", "2026-03-08 02:30", "2026-03-09 02:30")
    ),
    Change(
        "Pacific/Chatham",
        "2026-04-05",
        ("2026-04-03 18:15", "2026-04-04 19:15", "2026-04-05 19:15"),
    ),
    Change(
        "Pacific/Chatham",
        "2026-09-27",
        ("2026-09-25 19:15", "2026-09-26 18:15", "2026-09-27 18:15"),
    ),
    Change(
        "Australia/Lord_Howe",
        "2026-04-05",
        ("2026-04-03 21:00", "2026-04-04 21:30", "2026-04-05 21:30"),
    ),
    Change(
        "Australia/Lord_Howe",
        "2026-10-04",
        ("2026-10-02 21:30", "2026-10-03 21:00", "2026-10-04 21:00"),
    ),
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: f"{c.zone}-{c.day}")
def test_eight_am_fires_once_a_day_at_eight_local_across_the_change(change: Change) -> None:
    zone = ZoneInfo(change.zone)
    week = [date.fromisoformat(change.day) + timedelta(days=n) for n in range(-3, 4)]

    found = occurrences_between(
        local_midnight(week[0], zone),
        local_midnight(week[-1] + timedelta(days=1), zone),
        times=[time(8)],
        days=ALL_DAYS,
        zone=zone,
    )

    assert walls(found, zone) == [datetime.combine(day, time(8)) for day in week]
    assert found[2:5] == [at_utc(text) for text in change.eight_am]


@dataclass(frozen=True)
class Odd:
    """A wall-clock time that is skipped or repeated on `day`, and where it fires that day."""

    zone: str
    day: str
    at: str
    fires: str  # in UTC
    shows: str  # the local wall clock when it fires
    neighbours: tuple[str, str]  # in UTC: the same time the day before and the day after


GAPS = [
    Odd(
        "America/New_York",
        "2026-03-08",
        "02:30",
        "2026-03-08 07:00",
        "03:00",
        ("2026-03-07 07:30", "2026-03-09 06:30"),
    ),
    Odd(
        "Europe/London",
        "2026-03-29",
        "01:30",
        "2026-03-29 01:00",
        "02:00",
        ("2026-03-28 01:30", "2026-03-30 00:30"),
    ),
    Odd(
        "Australia/Sydney",
        "2026-10-04",
        "02:30",
        "2026-10-03 16:00",
        "03:00",
        ("2026-10-02 16:30", "2026-10-04 15:30"),
    ),
    Odd(
        "Pacific/Chatham",
        "2026-09-27",
        "03:00",
        "2026-09-26 14:00",
        "03:45",
        ("2026-09-25 14:15", "2026-09-27 13:15"),
    ),
    Odd(
        "Australia/Lord_Howe",
        "2026-10-04",
        "02:15",
        "2026-10-03 15:30",
        "02:30",
        ("2026-10-02 15:45", "2026-10-04 15:15"),
    ),
    # No DST: 02:30 is an ordinary time.
    Odd(
        "Asia/Kolkata",
        "2026-03-08",
        "02:30",
        "2026-03-07 21:00",
        "02:30",
        ("2026-03-06 21:00", "2026-03-08 21:00"),
    ),
]

OVERLAPS = [
    Odd(
        "America/New_York",
        "2026-11-01",
        "01:30",
        "2026-11-01 05:30",
        "01:30",
        ("2026-10-31 05:30", "2026-11-02 06:30"),
    ),
    Odd(
        "Europe/London",
        "2026-10-25",
        "01:30",
        "2026-10-25 00:30",
        "01:30",
        ("2026-10-24 00:30", "2026-10-26 01:30"),
    ),
    Odd(
        "Australia/Sydney",
        "2026-04-05",
        "02:30",
        "2026-04-04 15:30",
        "02:30",
        ("2026-04-03 15:30", "2026-04-05 16:30"),
    ),
    Odd(
        "Pacific/Chatham",
        "2026-04-05",
        "03:00",
        "2026-04-04 13:15",
        "03:00",
        ("2026-04-03 13:15", "2026-04-05 14:15"),
    ),
    Odd(
        "Australia/Lord_Howe",
        "2026-04-05",
        "01:45",
        "2026-04-04 14:45",
        "01:45",
        ("2026-04-03 14:45", "2026-04-05 15:15"),
    ),
]


def around(odd: Odd) -> tuple[ZoneInfo, list[datetime]]:
    """The occurrences of `odd.at` from the local midnight before `odd.day` for three days."""
    zone, day = ZoneInfo(odd.zone), date.fromisoformat(odd.day)
    found = occurrences_between(
        local_midnight(day - timedelta(days=1), zone),
        local_midnight(day + timedelta(days=2), zone),
        times=[time.fromisoformat(odd.at)],
        days=ALL_DAYS,
        zone=zone,
    )
    return zone, found


@pytest.mark.parametrize("odd", GAPS, ids=lambda o: f"{o.zone}-{o.day}")
def test_time_in_spring_forward_gap_fires_once_at_the_first_minute_after_it(odd: Odd) -> None:
    zone, found = around(odd)

    assert found == [at_utc(odd.neighbours[0]), at_utc(odd.fires), at_utc(odd.neighbours[1])]
    assert found[1].astimezone(zone).time() == time.fromisoformat(odd.shows)
    day, at = date.fromisoformat(odd.day), time.fromisoformat(odd.at)
    assert local_occurrence(day, at, zone) == at_utc(odd.fires)


@pytest.mark.parametrize("odd", OVERLAPS, ids=lambda o: f"{o.zone}-{o.day}")
def test_time_in_fall_back_overlap_fires_once_at_its_first_pass(odd: Odd) -> None:
    zone, found = around(odd)

    assert found == [at_utc(odd.neighbours[0]), at_utc(odd.fires), at_utc(odd.neighbours[1])]
    assert found[1].astimezone(zone).time() == time.fromisoformat(odd.shows)
    assert found[1].astimezone(zone).fold == 0
    # Asking again from the first pass must not find the second pass.
    again = next_due(found[1], times=[time.fromisoformat(odd.at)], days=ALL_DAYS, zone=zone)
    assert again == at_utc(odd.neighbours[1])


def test_time_moved_by_a_gap_into_quiet_hours_is_skipped_that_day() -> None:
    zone = ZoneInfo("America/New_York")

    found = occurrences_between(
        utc(2026, 3, 7),
        utc(2026, 3, 10),
        times=[time(2, 30)],
        days=ALL_DAYS,
        zone=zone,
        quiet=QuietHours(time(3), time(7)),
    )

    # 02:30 is not quiet, but on 8 March it would fire at 03:00, which is.
    assert found == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 9, 6, 30)]


def test_quiet_time_moved_out_of_quiet_hours_by_a_gap_stays_quiet() -> None:
    zone = ZoneInfo("America/New_York")

    found = occurrences_between(
        utc(2026, 3, 7),
        utc(2026, 3, 10),
        times=[time(2, 30)],
        days=ALL_DAYS,
        zone=zone,
        quiet=QuietHours(time(2), time(3)),
    )

    # The patient silenced 02:30; the gap moving it to 03:00 on 8 March does not wake them.
    assert found == []


def test_two_times_in_one_gap_fire_once_together() -> None:
    zone = ZoneInfo("America/New_York")

    found = occurrences_between(
        utc(2026, 3, 8),
        utc(2026, 3, 8, 12),
        times=[time(2, 15), time(2, 45)],
        days=ALL_DAYS,
        zone=zone,
    )

    assert found == [utc(2026, 3, 8, 7)]


# --- Days, quiet hours, nothing to send -------------------------------------------------------

LONDON = ZoneInfo("Europe/London")  # GMT = UTC in January, which keeps these readable


def test_days_mask_only_fires_on_chosen_weekdays() -> None:
    found = occurrences_between(
        utc(2026, 1, 5),  # a Monday
        utc(2026, 1, 19),
        times=[time(8)],
        days=MON | WED | FRI,
        zone=LONDON,
    )

    assert [i.date() for i in found] == [date(2026, 1, d) for d in (5, 7, 9, 12, 14, 16)]
    assert {i.astimezone(LONDON).weekday() for i in found} == {0, 2, 4}


def test_after_fridays_reminder_the_next_is_mondays() -> None:
    due = next_due(utc(2026, 1, 9, 8), times=[time(8)], days=MON | WED | FRI, zone=LONDON)

    assert due == utc(2026, 1, 12, 8)


def test_next_due_is_strictly_after_and_sorts_the_times() -> None:
    times = [time(18), time(8), time(12, 30)]

    assert next_due(utc(2026, 1, 5, 8), times=times, days=ALL_DAYS, zone=LONDON) == utc(
        2026, 1, 5, 12, 30
    )
    assert next_due(utc(2026, 1, 5, 7, 59), times=times, days=ALL_DAYS, zone=LONDON) == utc(
        2026, 1, 5, 8
    )
    assert next_due(utc(2026, 1, 5, 18), times=times, days=ALL_DAYS, zone=LONDON) == utc(
        2026, 1, 6, 8
    )


def test_quiet_hours_wrapping_midnight_contain_late_evening_and_early_morning() -> None:
    quiet = QuietHours(time(22), time(7))

    assert quiet.contains(time(22))
    assert quiet.contains(time(23, 59))
    assert quiet.contains(time(0))
    assert quiet.contains(time(6, 59))
    assert not quiet.contains(time(7))
    assert not quiet.contains(time(21, 59))
    assert not quiet.contains(time(12))


def test_quiet_hours_within_a_day_and_empty_window() -> None:
    lunch = QuietHours(time(12), time(13))

    assert lunch.contains(time(12, 30))
    assert not lunch.contains(time(13))
    assert not lunch.contains(time(11, 59))
    assert not any(QuietHours(time(9), time(9)).contains(time(h)) for h in range(24))


def test_quiet_hours_wrapping_midnight_skip_night_times() -> None:
    found = occurrences_between(
        utc(2026, 1, 5),
        utc(2026, 1, 7),
        times=[time(6, 30), time(8), time(22, 30), time(12)],
        days=ALL_DAYS,
        zone=LONDON,
        quiet=QuietHours(time(22), time(7)),
    )

    assert found == [
        utc(2026, 1, 5, 8),
        utc(2026, 1, 5, 12),
        utc(2026, 1, 6, 8),
        utc(2026, 1, 6, 12),
    ]


def test_quiet_hours_that_swallow_every_time_mean_no_reminder() -> None:
    due = next_due(
        utc(2026, 1, 5),
        times=[time(23), time(3), time(6, 59)],
        days=ALL_DAYS,
        zone=LONDON,
        quiet=QuietHours(time(22), time(7)),
    )

    assert due is None


@pytest.mark.parametrize("days", [0, 0b10000000])
def test_no_days_means_no_reminder(days: int) -> None:
    assert next_due(utc(2026, 1, 5), times=[time(8)], days=days, zone=LONDON) is None


def test_no_times_means_no_reminder() -> None:
    assert next_due(utc(2026, 1, 5), times=[], days=ALL_DAYS, zone=LONDON) is None
    assert (
        occurrences_between(utc(2026, 1, 5), utc(2026, 2, 5), times=[], days=1, zone=LONDON) == []
    )


def test_naive_datetimes_and_aware_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_due(datetime(2026, 1, 5), times=[time(8)], days=ALL_DAYS, zone=LONDON)
    with pytest.raises(ValueError, match="tzinfo"):
        next_due(utc(2026, 1, 5), times=[time(8, tzinfo=UTC)], days=ALL_DAYS, zone=LONDON)


# --- Posture-break nudges ---------------------------------------------------------------------


def nudges_on(day: date, zone: ZoneInfo, **kwargs: object) -> list[datetime]:
    """Every nudge on local `day`, by asking posture_nudges again after each one."""
    found = []
    current = posture_nudges(local_midnight(day, zone), zone=zone, **kwargs)
    while current is not None and current < local_midnight(day + timedelta(days=1), zone):
        found.append(current)
        current = posture_nudges(current, zone=zone, **kwargs)
    return found


WORK = {"every_minutes": 45, "work_start": time(9), "work_end": time(17), "days": WEEKDAYS}
EVERY_45 = [
    time(9, 45), time(10, 30), time(11, 15), time(12), time(12, 45),
    time(13, 30), time(14, 15), time(15), time(15, 45), time(16, 30),
]  # fmt: skip


def test_posture_nudges_every_45_minutes_through_the_work_day() -> None:
    found = nudges_on(date(2026, 1, 5), LONDON, **WORK)

    assert [i.astimezone(LONDON).time() for i in found] == EVERY_45


def test_posture_nudges_stop_before_work_ends() -> None:
    assert nudge_times(every_minutes=60, work_start=time(9), work_end=time(17)) == [
        time(h) for h in range(10, 17)
    ]
    assert nudge_times(every_minutes=240, work_start=time(9), work_end=time(13)) == []


def test_no_posture_nudges_at_the_weekend() -> None:
    after_friday = posture_nudges(utc(2026, 1, 9, 16, 30), zone=LONDON, **WORK)

    assert nudges_on(date(2026, 1, 10), LONDON, **WORK) == []
    assert after_friday == utc(2026, 1, 12, 9, 45)


def test_posture_nudges_respect_quiet_hours() -> None:
    found = nudges_on(
        date(2026, 1, 5),
        LONDON,
        every_minutes=60,
        work_start=time(6),
        work_end=time(11),
        days=WEEKDAYS,
        quiet=QuietHours(time(22), time(8)),
    )

    assert [i.astimezone(LONDON).time() for i in found] == [time(8), time(9), time(10)]


def test_posture_nudges_keep_wall_clock_times_on_dst_days() -> None:
    zone = ZoneInfo("America/New_York")
    work = {**WORK, "days": ALL_DAYS}  # 8 March 2026 is a Sunday

    before = nudges_on(date(2026, 3, 7), zone, **work)
    spring = nudges_on(date(2026, 3, 8), zone, **work)
    autumn = nudges_on(date(2026, 11, 1), zone, **work)

    assert [i.astimezone(zone).time() for i in spring] == EVERY_45
    assert [i.astimezone(zone).time() for i in autumn] == EVERY_45
    assert before[0] == utc(2026, 3, 7, 14, 45)  # EST
    assert spring[0] == utc(2026, 3, 8, 13, 45)  # EDT
    assert autumn[0] == utc(2026, 11, 1, 14, 45)  # EST again


def test_posture_nudge_in_the_gap_fires_at_its_end_and_overlap_nudge_once() -> None:
    zone = ZoneInfo("America/New_York")
    night = {"every_minutes": 60, "work_start": time(0, 30), "work_end": time(4), "days": ALL_DAYS}

    spring = nudges_on(date(2026, 3, 8), zone, **night)
    autumn = nudges_on(date(2026, 11, 1), zone, **night)

    assert [i.astimezone(zone).time() for i in spring] == [time(1, 30), time(3), time(3, 30)]
    assert [i.astimezone(zone).time() for i in autumn] == [time(1, 30), time(2, 30), time(3, 30)]
    assert autumn[0] == utc(2026, 11, 1, 5, 30)  # first pass of 01:30 (EDT)


def test_posture_nudges_refuse_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="positive"):
        nudge_times(every_minutes=0, work_start=time(9), work_end=time(17))
    with pytest.raises(ValueError, match="end after"):
        nudge_times(every_minutes=30, work_start=time(17), work_end=time(9))


# --- Properties -------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",  # -3:30, with DST
    "America/Santiago",  # changes at midnight, repeating 23:00-24:00
    "America/Havana",  # gap 00:00-01:00
    "America/Sao_Paulo",  # DST abolished in 2019
    "Europe/London",
    "Europe/Dublin",  # "negative" DST in tzdata
    "Africa/Casablanca",  # leaves +01 during Ramadan
    "Asia/Kolkata",
    "Asia/Kathmandu",  # +5:45
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute shift
    "Pacific/Chatham",  # +12:45/+13:45
    "Pacific/Apia",
]
FIRST, LAST = datetime(2025, 1, 1), datetime(2030, 12, 31, 23, 59)


@functools.cache
def transitions(name: str) -> list[datetime]:
    """Every UTC instant in 2025-2030 at which the zone's offset changes."""
    zone = ZoneInfo(name)
    found = []
    instant = FIRST.replace(tzinfo=UTC)
    while instant < LAST.replace(tzinfo=UTC):
        later = instant + timedelta(hours=12)
        if instant.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            lo, hi = instant, later
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(second=0, microsecond=0))
        instant = later
    return found


def offsets_near(wall: datetime, zone: ZoneInfo) -> set[timedelta]:
    """The UTC offsets the zone uses within two days of `wall` (read as UTC)."""
    as_utc = wall.replace(tzinfo=UTC)
    offsets = set()
    for hours in range(-48, 49, 6):
        offset = (as_utc + timedelta(hours=hours)).astimezone(zone).utcoffset()
        assert offset is not None
        offsets.add(offset)
    return offsets


def reference_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """local_occurrence, worked out another way: try each nearby offset, else scan the gap."""
    wall = datetime.combine(day, at)
    offsets = offsets_near(wall, zone)
    readings = [wall.replace(tzinfo=UTC) - offset for offset in offsets]
    real = [r for r in readings if r.astimezone(zone).replace(tzinfo=None) == wall]
    if real:
        return min(real)  # the first pass of an overlap
    instant = min(readings)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant


def reference_occurrences(
    start: datetime,
    end: datetime,
    times: list[time],
    days: int,
    zone: ZoneInfo,
    quiet: QuietHours | None,
) -> set[datetime]:
    """Occurrences in (start, end] by brute force over every local day that could hold one."""
    found = set()
    day = start.astimezone(zone).date() - timedelta(days=1)
    while day <= end.astimezone(zone).date() + timedelta(days=1):
        if days & (1 << day.weekday()):
            for at in times:
                instant = reference_instant(day, at, zone)
                shows = instant.astimezone(zone).time()
                if quiet and (quiet.contains(at) or quiet.contains(shows)):
                    continue
                if start < instant <= end:
                    found.add(instant)
        day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class Case:
    zone: ZoneInfo
    after: datetime
    times: list[time]
    days: int
    quiet: QuietHours | None

    @property
    def kwargs(self) -> dict[str, object]:
        return {"times": self.times, "days": self.days, "zone": self.zone, "quiet": self.quiet}


minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def cases(draw: st.DrawFn, quiet: bool = True) -> Case:
    name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(name)
    changes = transitions(name)
    days = sum(1 << n for n in draw(st.sets(st.integers(0, 6), min_size=1)))
    if changes and draw(st.booleans()):
        # A week before to a day after a DST change, with times in and around the wall-clock span
        # it skips or repeats, on its weekday, so that gaps and overlaps are hit far more often
        # than uniform sampling would.
        change = draw(st.sampled_from(changes))
        after = change + draw(st.timedeltas(timedelta(days=-8), timedelta(days=1)))
        wall_before = (change - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None)
        wall_after = change.astimezone(zone).replace(tzinfo=None)
        span_start = min(wall_before + timedelta(seconds=1), wall_after)
        width = abs(wall_after - wall_before) // timedelta(minutes=1)
        near = st.integers(-15, width + 15).map(
            lambda m: (span_start + timedelta(minutes=m)).time()
        )
        times = draw(st.lists(near, min_size=1, max_size=3)) + draw(
            st.lists(minute_times, max_size=1)
        )
        days |= 1 << wall_after.weekday()
        quiet_edges = st.one_of(near, minute_times)
    else:
        after = draw(st.datetimes(FIRST, LAST, timezones=st.just(UTC)))
        times = draw(st.lists(minute_times, min_size=1, max_size=4))
        quiet_edges = minute_times
    quiet_hours = (
        draw(st.none() | st.builds(QuietHours, quiet_edges, quiet_edges)) if quiet else None
    )
    return Case(zone, after.astimezone(UTC), times, days, quiet_hours)


def scheduled_slot(instant: datetime, case: Case) -> tuple[date, time] | None:
    """The (local date, time) whose occurrence `instant` is, judged from the wall clock alone."""
    zone = case.zone
    shows = instant.astimezone(zone).replace(tzinfo=None)
    if shows.time() in case.times:
        return shows.date(), shows.time()
    # Otherwise it must be the first minute after a gap that swallowed a scheduled time.
    before = (instant - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None)
    for day in (shows.date(), shows.date() - timedelta(days=1)):
        for at in case.times:
            if before < datetime.combine(day, at) < shows:
                return day, at
    return None


PROPERTY = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@settings(PROPERTY, max_examples=300)
@given(cases())
def test_next_due_is_the_earliest_occurrence_after(case: Case) -> None:
    due = next_due(case.after, **case.kwargs)
    expected = reference_occurrences(
        case.after, case.after + timedelta(days=16), case.times, case.days, case.zone, case.quiet
    )

    # (d) nothing is skipped: it is the earliest of all candidates, found by brute force.
    assert due == min(expected, default=None)
    if due is None:
        return
    # (a) strictly later
    assert due > case.after
    assert due.tzinfo is UTC
    # (c) on a scheduled time, or at the end of the gap that swallowed one
    slot = scheduled_slot(due, case)
    assert slot is not None
    # (b) on a chosen weekday
    assert case.days & (1 << slot[0].weekday())
    if case.quiet:
        assert not case.quiet.contains(due.astimezone(case.zone).time())


@settings(PROPERTY, max_examples=100)
@given(cases())
def test_each_scheduled_slot_fires_at_most_once_over_a_month(case: Case) -> None:
    end = case.after + timedelta(days=30)

    found = occurrences_between(case.after, end, **case.kwargs)

    assert found == sorted(set(found))
    assert set(found) == reference_occurrences(
        case.after, end, case.times, case.days, case.zone, case.quiet
    )
    # (e) never twice on one wall clock, which is what a fall-back day would do wrong
    shown = walls(found, case.zone)
    assert len(shown) == len(set(shown))
    slots = [scheduled_slot(i, case) for i in found]
    assert None not in slots


@settings(PROPERTY, max_examples=150)
@given(cases(quiet=False))
def test_local_occurrence_agrees_with_the_brute_force_reading(case: Case) -> None:
    day = case.after.astimezone(case.zone).date()
    for at in case.times:
        instant = local_occurrence(day, at, case.zone)
        assert instant == reference_instant(day, at, case.zone)
        shows = instant.astimezone(case.zone)
        if shows.time() != at:
            # Only a gap moves a time, and only forward, to its end.
            assert datetime.combine(day, at) < shows.replace(tzinfo=None)
            assert (instant - timedelta(minutes=1)).astimezone(case.zone).utcoffset() != (
                shows.utcoffset()
            )
