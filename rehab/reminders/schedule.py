"""When reminders are due: pure date arithmetic on a patient's local wall clock.

No models and no database: the dispatcher stores what these functions return (an aware UTC
`datetime`) in `Schedule.next_due_at`. A schedule is a set of local wall-clock times, a weekday
mask (Monday = bit 0, as `1 << date.weekday()`), an IANA zone and optional quiet hours.

Daylight-saving rules, applied everywhere through `local_occurrence`:

- a wall-clock time that does not exist that day (inside a spring-forward gap) fires once, at the
  first valid minute after the gap (02:30 on a 02:00 -> 03:00 day fires at 03:00);
- a wall-clock time that happens twice (inside a fall-back overlap) fires once, at the first of
  the two (fold=0).

Quiet hours are judged on the wall clock: an occurrence is skipped when its scheduled time is
quiet, and also when a DST gap moved it into quiet hours (what the patient's clock shows is what
would wake them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ALL_DAYS = 0b1111111  # Monday = bit 0 (1 << date.weekday())

# Every weekday appears within 7 consecutive local days, so a non-quiet time on a chosen weekday
# is found within 8 days (today's may already have passed). The second week only matters when a
# DST gap moved the one candidate of the first week into quiet hours.
_SEARCH_DAYS = 15


@dataclass(frozen=True)
class QuietHours:
    """A local wall-clock window, [start, end), in which nothing is sent.

    The window may wrap midnight (22:00-07:00). start == end is an empty window: nothing is quiet.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are local wall-clock times, without tzinfo")

    def contains(self, local: time) -> bool:
        """Whether the local wall-clock time `local` falls inside the window."""
        local = local.replace(tzinfo=None, fold=0)
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


def _require_naive_time(at: time) -> None:
    if at.tzinfo is not None:
        raise ValueError(f"scheduled times are local wall-clock times, without tzinfo: {at!r}")


def _gap_end(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the zone's offset changes, knowing it lies in (before, after].

    Bisection on whole seconds (tz transitions fall on whole seconds); a gap is at most a day
    long (Samoa skipped 2011-12-30), so this takes about 17 steps.
    """
    # Whole seconds throughout: transitions fall on whole seconds, so widening to them is safe.
    lo = before.replace(microsecond=0)
    hi = after.replace(microsecond=0) + timedelta(seconds=1 if after.microsecond else 0)
    offset_before = lo.astimezone(zone).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + timedelta(seconds=(hi - lo) // timedelta(seconds=2))
        if mid.astimezone(zone).utcoffset() == offset_before:
            lo = mid
        else:
            hi = mid
    return hi


def local_occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on local `day` in `zone`.

    - A time inside a DST gap (spring forward, e.g. 02:30 on the US spring-forward day in
      America/New_York) moves to the next valid minute (03:00 local), so it fires exactly once.
    - An ambiguous time (fall back, 01:30 happens twice) resolves to the FIRST occurrence
      (fold=0), so it fires once.
    """
    _require_naive_time(at)
    wall = datetime.combine(day, at.replace(fold=0))
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # `wall` does not exist. With fold=0 zoneinfo read it with the offset from before the gap
    # (landing after the gap), with fold=1 with the offset from after it (landing before the
    # gap): the transition lies between the two, and it is the first valid instant.
    earlier = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    instant = _gap_end(min(earlier, first), max(earlier, first), zone)
    local = instant.astimezone(zone)
    if local.second or local.microsecond:
        # Historical offsets with seconds (LMT): round up to the next whole local minute.
        instant += timedelta(minutes=1) - timedelta(
            seconds=local.second, microseconds=local.microsecond
        )
    return instant


def _candidates(
    day: date, times: Sequence[time], zone: ZoneInfo, quiet: QuietHours | None
) -> Iterator[datetime]:
    for at in times:
        if quiet is not None and quiet.contains(at):
            continue
        instant = local_occurrence(day, at, zone)
        if quiet is not None and quiet.contains(instant.astimezone(zone).time()):
            continue  # a DST gap moved it into quiet hours
        yield instant


def next_due(
    after: datetime,
    *,
    times: Sequence[time],
    days: int,
    zone: ZoneInfo,
    quiet: QuietHours | None = None,
) -> datetime | None:
    """The first occurrence strictly after `after` (aware; returned in UTC).

    An occurrence is one of the local `times` on a local date whose weekday is in `days`
    (bitmask, Monday = bit 0), converted with `local_occurrence`, and not quiet (see the module
    docstring). None when `times` is empty, `days` selects no weekday, or every time is quiet.
    """
    _require_aware(after, "after")
    days &= ALL_DAYS
    if not times or not days:
        return None
    for at in times:
        _require_naive_time(at)
    after = after.astimezone(UTC)
    # Wall clock -> instant is non-decreasing (an overlap resolves to its first pass, a gap to its
    # end), so no occurrence on a local date before today's can come after `after`, and the first
    # date with a candidate holds the earliest one.
    today = after.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if not days & (1 << day.weekday()):
            continue
        upcoming = [i for i in _candidates(day, times, zone, quiet) if i > after]
        if upcoming:
            return min(upcoming)
    return None


def occurrences_between(
    start: datetime,
    end: datetime,
    *,
    times: Sequence[time],
    days: int,
    zone: ZoneInfo,
    quiet: QuietHours | None = None,
) -> list[datetime]:
    """All occurrences in (start, end], in order, by repeatedly calling `next_due`.

    For tests and for catching up after downtime. Two scheduled times that land on the same
    instant (both inside one DST gap) are one occurrence.
    """
    _require_aware(end, "end")
    found: list[datetime] = []
    current = next_due(start, times=times, days=days, zone=zone, quiet=quiet)
    while current is not None and current <= end:
        found.append(current)
        current = next_due(current, times=times, days=days, zone=zone, quiet=quiet)
    return found


def nudge_times(*, every_minutes: int, work_start: time, work_end: time) -> list[time]:
    """The local wall-clock times of posture nudges in one work day.

    work_start + k * every_minutes for k >= 1 (the first nudge comes every_minutes after work
    starts), strictly before work_end.
    """
    if every_minutes <= 0:
        raise ValueError(f"every_minutes must be positive, got {every_minutes}")
    _require_naive_time(work_start)
    _require_naive_time(work_end)
    if work_end <= work_start:
        raise ValueError("work hours must end after they start on the same day")
    # Arithmetic on an arbitrary date: nudges never cross midnight because work_end is later.
    start = datetime.combine(date(2000, 1, 1), work_start)
    end = datetime.combine(date(2000, 1, 1), work_end)
    step = timedelta(minutes=every_minutes)
    found: list[time] = []
    nudge = start + step
    while nudge < end:
        found.append(nudge.time())
        nudge += step
    return found


def posture_nudges(
    after: datetime,
    *,
    every_minutes: int,
    work_start: time,
    work_end: time,
    days: int,
    zone: ZoneInfo,
    quiet: QuietHours | None = None,
) -> datetime | None:
    """The next posture-break nudge strictly after `after`, or None.

    Nudges are the local times from `nudge_times` on work `days` (bitmask), not in quiet hours;
    they are wall-clock times, so DST is handled as in `next_due` (a nudge inside a gap fires at
    the gap's end, one inside an overlap fires once).
    """
    times = nudge_times(every_minutes=every_minutes, work_start=work_start, work_end=work_end)
    return next_due(after, times=times, days=days, zone=zone, quiet=quiet)
