"""The dispatcher, not just the arithmetic, keeps reminders on the patient's wall clock in any zone.

For a patient in a zone with or without daylight saving (including Lord Howe's 30-minute and
Chatham's 12:45/13:45 shifts), with reminder times inside the wall-clock span a DST change skips
or repeats, a simulated clock jumps from one `next_due_at` to the next across the change and runs
`dispatch_due` at each instant, twice. Against a brute-force reading of the wall clock it proves:

- exactly one exercise-reminder Occurrence per local day per configured time on the chosen days,
  at that wall-clock time, or at the first valid minute after a DST gap that swallowed it;
- no two occurrences at the same instant, and a second dispatch at the same instant claims nothing;
- nothing (exercise reminder or missed-day note) fires inside quiet hours, by the scheduled time or
  by the time a gap moved it to;
- each exercise reminder is sent, so the dispatcher judged the right local day of the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rehab.programs import services as programs
from rehab.programs.models import ProgramItem
from rehab.reminders.models import Kind, Notification, Occurrence, Outcome, Schedule
from rehab.reminders.services import dispatch_due, preferences_for, reschedule
from tests.factories import ExerciseFactory, PatientFactory, TherapistFactory, assign
from tests.reminders.test_schedule import transitions

ZONES = [
    "UTC",
    "America/New_York",
    "America/Sao_Paulo",  # no DST since 2019
    "Europe/London",
    "Asia/Kolkata",  # +5:30, no DST
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute shift at 02:00
    "Pacific/Chatham",  # 02:45 -> 03:45
]
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
SIMULATED_DAYS = 4
MINUTE = timedelta(minutes=1)
ALL_DAYS = 0b1111111
NO_QUIET = (time(0), time(0))  # start == end: nothing is quiet
DEFAULT_QUIET = (time(21, 30), time(7, 30))
# Inside or next to the spring-forward gaps and fall-back overlaps of the zones above.
NIGHT_TIMES = [time(0, 30), time(1, 30), time(2), time(2, 15), time(2, 30), time(3), time(3, 30)]
DAY_TIMES = [time(7, 45), time(8), time(12, 30), time(18), time(21, 45), time(23, 59)]


def dst_changes(name: str) -> list[datetime]:
    """The UTC instants in 2026 at which the zone's offset changes."""
    return [change for change in transitions(name) if YEAR_START <= change < YEAR_END]


@dataclass(frozen=True)
class Case:
    zone: str
    start: datetime  # the simulated clock starts here (UTC) and runs SIMULATED_DAYS
    times: tuple[time, ...]
    days: int  # Monday = bit 0
    quiet: tuple[time, time]

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=SIMULATED_DAYS)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(name)
    changes = dst_changes(name)
    anytime = st.one_of(st.sampled_from(NIGHT_TIMES + DAY_TIMES), minute_times)
    if changes:
        # Start up to three days before a change, so the simulated days run through it, with a
        # time in or next to the wall-clock span the change skips or repeats, and quiet hours
        # that may begin or end there.
        change = draw(st.sampled_from(changes))
        start = change - draw(st.timedeltas(timedelta(hours=1), timedelta(days=3)))
        before = (change - MINUTE).astimezone(zone).replace(tzinfo=None)
        after = change.astimezone(zone).replace(tzinfo=None)
        span_start = min(before + MINUTE, after)
        width = abs(after - before) // MINUTE
        near = st.integers(-5, width + 5).map(lambda m: (span_start + m * MINUTE).time())
        times = [draw(near), *draw(st.lists(st.one_of(near, anytime), max_size=2))]
        edges = st.one_of(near, anytime)
        change_day = after.weekday()
    else:
        start = draw(st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 27)))
        start = start.replace(tzinfo=UTC)
        times = draw(st.lists(anytime, min_size=1, max_size=3))
        edges = anytime
        change_day = 0
    chosen = draw(st.sets(st.integers(0, 6), min_size=1))
    days = draw(st.sampled_from([ALL_DAYS, sum(1 << n for n in chosen | {change_day})]))
    quiet = draw(st.one_of(st.just(NO_QUIET), st.just(DEFAULT_QUIET), st.tuples(edges, edges)))
    return Case(name, start, tuple(sorted(set(times))), days, quiet)


# --- The expected reminders, read off the wall clock by brute force ---------------------------


def is_quiet(at: time, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def when_the_clock_shows(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the local clock shows `at` on `day`; if the clock jumps over
    it, the first whole minute after the jump."""
    target = datetime.combine(day, at)
    as_utc = target.replace(tzinfo=UTC)
    offsets = {(as_utc + timedelta(hours=h)).astimezone(zone).utcoffset() for h in range(-24, 25)}
    readings = sorted(as_utc - offset for offset in offsets if offset is not None)
    shown = [r for r in readings if wall(r, zone) == target]
    if shown:
        return shown[0]
    instant = readings[0]
    while wall(instant, zone) < target:
        instant += timedelta(minutes=1)
    return instant


def expected_reminders(case: Case) -> dict[tuple[date, time], datetime]:
    """Each (local day, configured time) that should fire in (start, end], with its instant."""
    zone = ZoneInfo(case.zone)
    expected = {}
    day = wall(case.start, zone).date() - timedelta(days=1)
    while day <= wall(case.end, zone).date() + timedelta(days=1):
        if case.days & (1 << day.weekday()):
            for at in case.times:
                instant = when_the_clock_shows(day, at, zone)
                shows = wall(instant, zone).time()
                if is_quiet(at, case.quiet) or is_quiet(shows, case.quiet):
                    continue
                if case.start < instant <= case.end:
                    expected[(day, at)] = instant
        day += timedelta(days=1)
    return expected


# --- Running the dispatcher on a simulated clock ----------------------------------------------


@pytest.fixture
def patient(db):
    """A patient with one exercise three times a day (and nothing logged) from December 2025."""
    patient = PatientFactory()
    therapist = TherapistFactory(clinic=patient.clinic)
    assign(patient, therapist)
    programs.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=date(2025, 12, 1),
        items=[
            programs.ItemSpec(
                exercise_id=ExerciseFactory(clinic=None).pk, sets=1, reps=10, times_per_day=3
            )
        ],
    )
    return patient


def run_the_clock(patient, case: Case) -> None:
    """Set the patient up as `case` says, then jump from one due instant to the next until the
    simulated days are over, dispatching twice at each instant."""
    # Exercises on the reminder days only: a reminder judged on the wrong day finds nothing due.
    ProgramItem.objects.filter(version__program__patient=patient).update(days_of_week=case.days)
    profile = patient.patient_profile
    profile.time_zone = case.zone
    profile.save()
    prefs = preferences_for(patient)
    prefs.times = [f"{at:%H:%M}" for at in case.times]
    prefs.days = case.days
    prefs.quiet_start, prefs.quiet_end = case.quiet
    prefs.save()
    reschedule(patient, now=case.start)

    schedules = Schedule.objects.filter(patient=patient, next_due_at__isnull=False)
    next_instants = schedules.order_by("next_due_at").values_list("next_due_at", flat=True)
    # A 96-hour window holds at most five local days (one may be 23 hours long).
    for _ in range((SIMULATED_DAYS + 1) * (len(case.times) + 1) + 1):
        now = next_instants.first()
        if now is None or now > case.end:
            return
        first = dispatch_due(now)
        claimed = Occurrence.objects.count()
        again = dispatch_due(now)
        assert sum(first.values()) >= 1 and "not claimed" not in first, (now, first)
        assert again == {}, f"a second dispatch at {now} claimed {again}"
        assert Occurrence.objects.count() == claimed
    pytest.fail("the simulated clock did not reach the end: more occurrences than configured")


# The cases the design names, run whatever the random draw.
NY, LONDON = "America/New_York", "Europe/London"
NAMED_CASES = [
    # 02:30 in New York's spring-forward gap fires at 03:00; 01:30 in its fall-back overlap fires
    # once, on the first pass.
    Case(NY, utc(2026, 3, 6, 12), (time(1, 30), time(2, 30)), ALL_DAYS, NO_QUIET),
    Case(NY, utc(2026, 10, 30, 12), (time(1, 30), time(2, 30)), ALL_DAYS, NO_QUIET),
    # 02:30 moved to 03:00 lands in quiet hours: skipped that day only.
    Case(NY, utc(2026, 3, 6, 12), (time(2, 30), time(9)), ALL_DAYS, (time(3), time(7))),
    # London's 01:30 both ways.
    Case(LONDON, utc(2026, 3, 27), (time(1, 30), time(8)), ALL_DAYS, NO_QUIET),
    Case(LONDON, utc(2026, 10, 23), (time(1, 30),), ALL_DAYS, NO_QUIET),
    # Lord Howe's half-hour gap swallows both; they fire once, together, at 02:30.
    Case("Australia/Lord_Howe", utc(2026, 10, 2), (time(2, 15), time(2, 30)), ALL_DAYS, NO_QUIET),
    # Chatham's 02:45 -> 03:45 gap, on Sundays and Mondays, with quiet hours by day.
    Case("Pacific/Chatham", utc(2026, 9, 25), (time(3),), 0b1000001, (time(7, 30), time(21, 30))),
]


def with_named_cases(test):
    for case in NAMED_CASES:
        test = example(case=case)(test)
    return test


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
@with_named_cases
def test_each_local_time_is_dispatched_once_a_day_on_the_wall_clock_in_any_zone(
    patient, case: Case
) -> None:
    zone = ZoneInfo(case.zone)
    # The fixture's patient and program are shared by every example; what one example writes is
    # rolled back before the next.
    with transaction.atomic():
        try:
            run_the_clock(patient, case)
            occurrences = list(
                Occurrence.objects.filter(schedule__patient=patient)
                .select_related("schedule", "notification")
                .order_by("due_at", "schedule__kind")
            )
        finally:
            transaction.set_rollback(True)

    expected = expected_reminders(case)
    reminders = [o for o in occurrences if o.schedule.kind == Kind.EXERCISE]
    fired = [o.due_at for o in reminders]
    assert len(fired) == len(set(fired)), "two exercise reminders at one instant"
    # One per (local day, time); two times in one DST gap share their instant and fire once.
    assert fired == sorted(set(expected.values()))
    for due_at in fired:
        shows = wall(due_at, zone)
        just_before = wall(due_at - MINUTE, zone)
        assert shows.time() in case.times or any(
            just_before < datetime.combine(shows.date(), at) < shows for at in case.times
        ), f"{shows} is neither a configured time nor the end of a gap that swallowed one"
    for occurrence in reminders:
        assert occurrence.outcome == Outcome.SENT, occurrence.reason
        assert occurrence.notification.title == "Time for your neck exercises"

    notes = [o for o in occurrences if o.schedule.kind == Kind.MISSED]
    note_days = [wall(o.due_at, zone).date() for o in notes]
    assert len(note_days) == len(set(note_days)), "two missed-day notes on one local day"
    for occurrence in occurrences:
        clock = wall(occurrence.due_at, zone).time()
        assert not is_quiet(clock, case.quiet), f"{occurrence} fired at {clock}, in quiet hours"
    assert not Notification.objects.filter(recipient=patient).exists(), "rolled back"
