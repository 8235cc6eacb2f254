"""What the progress page, the patient detail page and the progress API show: reads only.

`progress_for(patient)` gathers everything in a fixed number of queries, whatever the amount of
data: adherence per day (one SQL query from `adherence_by_day`, also used for the streak, the
weekly trend and the next program day), pain per session day, outcome trends, the workstation
checklist, posture breaks and ergonomic tasks per week, and what comes next. Sums, averages and
weekly counts are computed in the database; Python only lays the rows out and words them.

progress_charts.chart_specs(progress) turns the result into the charts of
templates/outcomes/progress_charts.html.

The streak: consecutive local days on which every prescribed dose was done, counted back from
today (or from yesterday while today is still open). Days with nothing prescribed (rest days,
paused days) are skipped: they neither break the streak nor add to it. A prescribed day not
fully done ends it; so does a whole week with nothing prescribed (an ended program leaves no
streak behind). Partial doses do not complete a day.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils.dates import MONTHS
from django.utils.translation import get_language

from accounts.models import User
from exercises.models import Category, Exercise
from rehab.ops import prepared
from rehab.programs.models import (
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionLog,
    Status,
)
from rehab.programs.selectors import DayAdherence, adherence_by_day
from rehab.programs.services import patient_today

from . import scoring, services
from .models import (
    Measure,
    OutcomeRecord,
    PostureBreak,
    QuestionnaireSchedule,
    WorkstationCheck,
)

WEEKS = 12
STREAK_WINDOW_DAYS = 365
LOOKAHEAD_DAYS = 14
# A streak only lasts while something is prescribed: a week of nothing ends it.
STREAK_IDLE_DAYS = 7
_EPSILON = 1e-9

# Measures with one headline number, charted one per chart, in this order.
TREND_MEASURES = (Measure.NDI, Measure.PAIN, Measure.PSFS, Measure.DNF, Measure.CCFT)


@dataclass(frozen=True)
class MeasureInfo:
    name: str  # how a sentence names it
    unit: str  # unit of a change ("points")
    low: float
    high: float
    higher_is_better: bool | None  # None: no agreed direction shown


# NDI values are percents: 100 / 50 raw points, so its meaningful change of 5 raw points is 10.
_NDI_PERCENT_PER_POINT = 100 / (scoring.NDI_ITEM_MAX * len(scoring.NDI_ITEMS))
MEASURES: dict[str, MeasureInfo] = {
    Measure.NDI: MeasureInfo("neck disability score (NDI)", "percentage points", 0, 100, False),
    Measure.PAIN: MeasureInfo("pain rating", "points", 0, 10, False),
    Measure.PSFS: MeasureInfo("activity score (PSFS)", "points", 0, 10, True),
    Measure.DNF: MeasureInfo("deep neck flexor hold", "seconds", 0, 60, True),
    Measure.CCFT: MeasureInfo("craniocervical flexion stage", "mmHg", 20, 30, True),
    Measure.CVA: MeasureInfo("craniovertebral angle", "degrees", 30, 70, True),
}


def meaningful_change_in_value_units(measure: str) -> float | None:
    """The meaningful change on the scale values are shown in (NDI: percent), or None."""
    threshold = scoring.MEANINGFUL_CHANGE.get(measure)
    if threshold is None:
        return None
    return threshold * _NDI_PERCENT_PER_POINT if measure == Measure.NDI else threshold


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: date
    expected: float
    completed: float

    @property
    def percent(self) -> int | None:
        if self.expected <= 0:
            return None
        return round(min(1.0, self.completed / self.expected) * 100)


@dataclass(frozen=True)
class Streak:
    days: int
    since: date | None
    through: date | None


@dataclass(frozen=True)
class PainDay:
    day: date
    before: float | None
    after: float | None
    sessions: int


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    records: int = 1
    change: str = ""  # scoring.meaningful_change against the first point, "" for the first


@dataclass(frozen=True)
class Trend:
    measure: str
    label: str
    points: list[Point]
    meaningful_change: float | None
    summary: str

    @property
    def baseline(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class WorkstationPoint:
    day: date
    score: float
    out_of: int


@dataclass(frozen=True)
class BreakWeek:
    start: date
    posture_breaks: int
    ergonomic_tasks: int


@dataclass(frozen=True)
class Upcoming:
    measure: str
    label: str
    next_on: date
    every_days: int


@dataclass(frozen=True)
class ProgramEnd:
    title: str
    status: str
    end_date: date | None


@dataclass(frozen=True)
class Next:
    questionnaires_due: list[services.Due]
    questionnaires_upcoming: list[Upcoming]
    today_expected: float
    today_completed: float
    next_program_day: date | None
    programs: list[ProgramEnd]


@dataclass(frozen=True)
class Progress:
    patient: User
    today: date
    own: bool
    weeks: list[Week]
    streak: Streak
    pain: list[PainDay]
    trends: list[Trend]
    cva_left: list[Point]
    cva_right: list[Point]
    cva_summary: str
    workstation: list[WorkstationPoint]
    breaks: list[BreakWeek]
    next: Next

    @property
    def this_week(self) -> Week:
        return self.weeks[-1]

    @property
    def breaks_this_week(self) -> BreakWeek:
        return self.breaks[-1]

    @property
    def posture_breaks_total(self) -> int:
        return sum(week.posture_breaks for week in self.breaks)

    @property
    def ergonomic_tasks_total(self) -> int:
        return sum(week.ergonomic_tasks for week in self.breaks)

    @property
    def first_week(self) -> date:
        return self.weeks[0].start

    @property
    def cva_reference(self) -> int:
        return scoring.FHP_REFERENCE_DEGREES


# --- Formatting ---------------------------------------------------------------------------------


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(4)}


def _round(value: float, places: int) -> float:
    """Halves up on the number as written, as scoring rounds (33.35 -> 33.4)."""
    if value == int(value):  # a whole number is its own rounding (most figures on the page)
        return float(value)
    return float(Decimal(repr(value)).quantize(_QUANTA[places], ROUND_HALF_UP))


def number_text(value: float, places: int = 1) -> str:
    """1.0 -> "1", 33.35 -> "33.4"."""
    return f"{_round(value, places):g}"


@functools.lru_cache(maxsize=16)
def _month_names(language: str | None) -> tuple[str, ...]:
    return ("", *(str(MONTHS[month]) for month in range(1, 13)))


def day_text(day: date, today: date) -> str:
    """ "3 March", or "3 March 2025" in another year: Django's "j F" / "j F Y" date formats,
    written out because a page formats about a hundred dates and DateFormat (with a translation
    lookup per month name) was a tenth of its time. Month names are looked up once per language."""
    month = _month_names(get_language())[day.month]
    if day.year == today.year:
        return f"{day.day} {month}"
    return f"{day.day} {month} {day.year:04d}"


def value_text(measure: str, value: float) -> str:
    if measure == Measure.NDI:
        return f"{number_text(value)}%"
    if measure in (Measure.PAIN, Measure.PSFS):
        return f"{number_text(value, 2)}/10"
    if measure == Measure.DNF:
        return f"{number_text(value)} s"
    if measure == Measure.CCFT:
        return f"{number_text(value)} mmHg"
    return f"{number_text(value)}°"


def _amount(value: float, unit: str) -> str:
    """ "12 percentage points", "1 point", "0.5 points"."""
    figure = number_text(value)
    return f"{figure} {unit[:-1] if figure == '1' and unit.endswith('s') else unit}"


def _sentence_start(own: bool, name: str) -> str:
    return f"Your {name}" if own else name[0].upper() + name[1:]


def trend_summary(measure: str, points: list[Point], *, today: date, own: bool) -> str:
    """One plain sentence about the change from the first record to the latest."""
    info = MEASURES[measure]
    subject = _sentence_start(own, info.name)
    if not points:
        return ""
    first, last = points[0], points[-1]
    if len(points) == 1:
        return (
            f"{subject} was {value_text(measure, first.value)} on {day_text(first.day, today)}. "
            "Record it again to see how it changes."
        )
    since = day_text(first.day, today)
    figures = f"({value_text(measure, first.value)} then {value_text(measure, last.value)})"
    difference = abs(last.value - first.value)
    threshold = meaningful_change_in_value_units(measure)
    if threshold is None:
        return (
            f"{subject} was {value_text(measure, last.value)} on {day_text(last.day, today)}, "
            f"compared with {value_text(measure, first.value)} on {since}."
        )
    verdict = scoring.meaningful_change(measure, first.value, last.value)
    if verdict == "better":
        return (
            f"{subject} improved by {_amount(difference, info.unit)} since {since} {figures}: "
            "a meaningful change."
        )
    if verdict == "worse":
        advice = " If you feel worse, tell your therapist." if own else ""
        return (
            f"{subject} got worse by {_amount(difference, info.unit)} since {since} {figures}: "
            f"a meaningful change.{advice}"
        )
    if difference == 0:
        return f"{subject} is the same as on {since} ({value_text(measure, first.value)})."
    return (
        f"{subject} changed by {_amount(difference, info.unit)} since {since} {figures}, "
        f"less than the {_amount(threshold, info.unit)} that count as a meaningful change."
    )


# --- Pieces -------------------------------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(days: list[DayAdherence], *, first_week: date, today: date) -> list[Week]:
    """Expected and completed doses per week (Monday first) from `first_week` to today's week;
    days after today are not counted yet."""
    totals: dict[date, list[float]] = {
        first_week + timedelta(weeks=n): [0.0, 0.0]
        for n in range((_monday(today) - first_week).days // 7 + 1)
    }
    for day in days:
        if first_week <= day.day <= today:
            total = totals[_monday(day.day)]
            total[0] += day.expected
            total[1] += day.completed
    return [Week(start, expected, done) for start, (expected, done) in totals.items()]


def streak(days: list[DayAdherence], *, today: date) -> Streak:
    """The current streak (see the module docstring for the rule)."""
    by_day = {d.day: d for d in days}
    count, since, through = 0, None, None
    day, idle = today, 0
    while day in by_day:
        row = by_day[day]
        if row.expected <= 0:
            idle += 1
            if idle >= STREAK_IDLE_DAYS:
                break
        elif row.completed + _EPSILON >= row.expected:
            idle = 0
            count += 1
            since = day
            through = through or day
        elif day == today:
            idle = 0  # today is still open: it neither counts nor breaks the streak yet
        else:
            break
        day -= timedelta(days=1)
    return Streak(count, since, through)


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def _date(value: date | str) -> date:
    # SQLite hands back the dates of a compound SELECT as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _date_or_none(value: date | str | None) -> date | None:
    return None if value is None else _date(value)


# Per measure, side (side photos only have one) and day: the mean value and the number of records.
# Written out, as the ORM's JSON key transform took longer to build than the query takes to run.
_OUTCOMES_SQL = """
SELECT r.measure, {side} AS side, r.recorded_on, AVG(r.value), COUNT(*)
FROM {record} r
WHERE r.patient_id = %(patient)s AND r.measure IN ({measures}) AND r.value IS NOT NULL
GROUP BY r.measure, {side}, r.recorded_on
ORDER BY 1, 2, 3
"""


def _outcome_points(patient: User) -> dict[tuple[str, str], list[tuple[date, float, int]]]:
    """Per (measure, side) the mean value per day, oldest first (one grouped query)."""
    measures = [*TREND_MEASURES, Measure.CVA]
    side = (
        "json_extract(r.detail, '$.side')"
        if connection.vendor == "sqlite"
        else "(r.detail ->> 'side')"
    )
    sql = _OUTCOMES_SQL.format(
        side=side,
        record=_table(OutcomeRecord),
        measures=", ".join(f"%(m{n})s" for n in range(len(measures))),
    )
    params: dict[str, int | str] = {"patient": patient.pk}
    params.update({f"m{n}": str(measure) for n, measure in enumerate(measures)})
    rows = prepared.fetchall(sql, params)
    points: dict[tuple[str, str], list[tuple[date, float, int]]] = defaultdict(list)
    for measure, row_side, recorded_on, mean, records in rows:
        key_side = row_side if measure == Measure.CVA else ""
        points[(measure, key_side or "")].append((_date(recorded_on), float(mean), records))
    return points


def _marked(measure: str, rows: list[tuple[date, float, int]]) -> list[Point]:
    """Points with each later one compared against the first (meaningful-change verdict)."""
    places = 2 if measure == Measure.PSFS else 1
    points: list[Point] = []
    for day, mean, records in rows:
        value = _round(mean, places)
        change = ""
        if points and measure in scoring.MEANINGFUL_CHANGE:
            change = scoring.meaningful_change(measure, points[0].value, value)
        points.append(Point(day, value, records, change))
    return points


def _cva_summary(left: list[Point], right: list[Point], *, today: date, own: bool) -> str:
    if not left and not right:
        return ""
    parts = []
    for name, points in (("left side", left), ("right side", right)):
        if points:
            last = points[-1]
            parts.append(f"{name} {number_text(last.value)}° on {day_text(last.day, today)}")
    subject = "Your latest angles" if own else "Latest angles"
    return (
        f"{subject}: {', '.join(parts)}. Angles below {scoring.FHP_REFERENCE_DEGREES}° are often "
        "called forward head posture; the line is a reference point, not a diagnosis."
    )


# Pain per session day, workstation checks per day, posture breaks and ergonomic tasks per day:
# four small aggregates in one statement (one round trip and no ORM query building, which cost
# more than the four queries themselves). Averages are cast to double precision so that
# PostgreSQL returns floats rather than Decimals, as the ORM's Avg would. Ergonomic tasks start
# from the patient's own items, as selectors.adherence_by_day does, and read their entries by the
# (item, performed_on) index.
_DAILY_SQL = """
SELECT 'pain' AS kind, s.performed_on AS day, CAST(AVG(s.pain_before) AS DOUBLE PRECISION) AS a,
       CAST(AVG(s.pain_after) AS DOUBLE PRECISION) AS b, COUNT(*) AS n
FROM {session} s
WHERE s.patient_id = %(patient)s AND s.performed_on BETWEEN %(start)s AND %(end)s
  AND (s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL)
GROUP BY s.performed_on
UNION ALL
SELECT 'workstation', w.checked_on, CAST(AVG(w.score) AS DOUBLE PRECISION), MAX(w.out_of), COUNT(*)
FROM {check} w
WHERE w.patient_id = %(patient)s
GROUP BY w.checked_on
UNION ALL
SELECT 'posture', b.done_on, NULL, NULL, COUNT(*)
FROM {posture} b
WHERE b.patient_id = %(patient)s AND b.done_on BETWEEN %(start)s AND %(end)s
GROUP BY b.done_on
UNION ALL
SELECT 'ergonomic', e.performed_on, NULL, NULL, COUNT(*)
FROM {program} p
JOIN {version} v ON v.program_id = p.id
JOIN {item} i ON i.version_id = v.id
JOIN {exercise} x ON x.id = i.exercise_id
JOIN {log} e ON e.item_id = i.id
WHERE p.patient_id = %(patient)s AND e.performed_on BETWEEN %(start)s AND %(end)s
  AND x.category = %(ergonomic)s AND NOT e.skipped AND e.dose_fraction > 0
GROUP BY e.performed_on
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class _Daily:
    pain: list[PainDay]
    workstation: list[WorkstationPoint]
    breaks: list[BreakWeek]


def _daily(patient: User, first_week: date, today: date) -> _Daily:
    """Pain per day with ratings and posture breaks and ergonomic tasks per week, from
    `first_week` to today; every workstation check per day (one query)."""
    sql = _DAILY_SQL.format(
        session=_table(SessionLog),
        check=_table(WorkstationCheck),
        posture=_table(PostureBreak),
        program=_table(Program),
        version=_table(ProgramVersion),
        log=_table(ExerciseLog),
        item=_table(ProgramItem),
        exercise=_table(Exercise),
    )
    params: dict[str, int | str | date] = {
        "patient": patient.pk,
        "start": first_week,
        "end": today,
        "ergonomic": Category.ERGONOMIC.value,
    }
    pain, workstation = [], []
    weeks = {first_week + timedelta(weeks=n): [0, 0] for n in range(WEEKS)}
    rows = prepared.fetchall(sql, params)
    for kind, day, a, b, n in rows:
        day = _date(day)
        if kind == "pain":
            pain.append(
                PainDay(
                    day, None if a is None else _round(a, 1), None if b is None else _round(b, 1), n
                )
            )
        elif kind == "workstation":
            workstation.append(WorkstationPoint(day, _round(a, 1), int(b)))
        else:
            weeks[_monday(day)][0 if kind == "posture" else 1] += n
    breaks = [BreakWeek(start, posture, tasks) for start, (posture, tasks) in weeks.items()]
    return _Daily(pain, workstation, breaks)


def _upcoming(today: date, rows: list[services.ScheduleRow]) -> list[Upcoming]:
    """Scheduled questionnaires not due today, with the date each is next due."""
    return sorted(
        (
            Upcoming(
                row.schedule.measure,
                Measure(row.schedule.measure).label,
                row.next_on,
                row.schedule.every_days,
            )
            for row in rows
            if row.next_on > today
        ),
        key=lambda u: u.next_on,
    )


# The patient's active and paused programs, and their questionnaire schedules with the date each
# was last filled in (the `last_on` of services.questionnaire_schedules, whose due rule
# services.next_due_on is applied below), in one statement rather than two ORM queries.
_NEXT_SQL = """
SELECT 'program' AS kind, p.title AS name, p.status AS status, p.start_date AS starts_on,
       p.end_date AS other_day, p.id AS n
FROM {program} p
WHERE p.patient_id = %(patient)s AND p.status IN (%(active)s, %(paused)s)
UNION ALL
SELECT 'schedule', q.measure, NULL, q.starts_on,
       (SELECT MAX(r.recorded_on) FROM {record} r
        WHERE r.patient_id = q.patient_id AND r.measure = q.measure),
       q.every_days
FROM {schedule} q
WHERE q.patient_id = %(patient)s
ORDER BY 1, 4, 6
"""


def _next(patient: User, today: date, days: list[DayAdherence]) -> Next:
    sql = _NEXT_SQL.format(
        program=_table(Program),
        record=_table(OutcomeRecord),
        schedule=_table(QuestionnaireSchedule),
    )
    params: dict[str, int | str] = {
        "patient": patient.pk,
        "active": Status.ACTIVE.value,
        "paused": Status.PAUSED.value,
    }
    fetched = prepared.fetchall(sql, params)
    programs: list[ProgramEnd] = []
    rows: list[services.ScheduleRow] = []
    for kind, name, status, starts_on, other_day, n in fetched:
        if kind == "program":  # oldest first (start date, then id)
            programs.append(ProgramEnd(name, status, _date_or_none(other_day)))
            continue
        schedule = QuestionnaireSchedule(measure=name, every_days=n, starts_on=_date(starts_on))
        last_on = _date_or_none(other_day)
        rows.append(
            services.ScheduleRow(schedule, last_on, services.next_due_on(schedule, last_on))
        )
    rows.sort(key=lambda row: row.schedule.measure)  # as services.questionnaire_schedules orders
    due = [
        services.Due(row.schedule.measure, Measure(row.schedule.measure).label, row.last_on)
        for row in rows
        if row.next_on <= today
    ]
    today_row = next((d for d in days if d.day == today), None)
    next_day = next((d.day for d in days if d.day > today and d.expected > 0), None)
    return Next(
        questionnaires_due=due,
        questionnaires_upcoming=_upcoming(today, rows),
        today_expected=today_row.expected if today_row else 0.0,
        today_completed=today_row.completed if today_row else 0.0,
        next_program_day=next_day,
        programs=programs,
    )


# --- Everything together ------------------------------------------------------------------------


def progress_for(patient: User, *, own: bool) -> Progress:
    """A patient's progress as of their local today; `own` words the sentences for the patient
    ("Your pain rating ...") rather than for their care team. A fixed number of queries."""
    today = patient_today(patient)
    first_week = _monday(today) - timedelta(weeks=WEEKS - 1)
    days = adherence_by_day(
        patient=patient,
        start=min(first_week, today - timedelta(days=STREAK_WINDOW_DAYS)),
        end=today + timedelta(days=LOOKAHEAD_DAYS),
    )
    outcome_rows = _outcome_points(patient)
    trends = []
    for measure in TREND_MEASURES:
        points = _marked(measure, outcome_rows.get((measure, ""), []))
        trends.append(
            Trend(
                measure=measure,
                label=Measure(measure).label,
                points=points,
                meaningful_change=meaningful_change_in_value_units(measure),
                summary=trend_summary(measure, points, today=today, own=own),
            )
        )
    daily = _daily(patient, first_week, today)
    left = _marked(Measure.CVA, outcome_rows.get((Measure.CVA, "left"), []))
    right = _marked(Measure.CVA, outcome_rows.get((Measure.CVA, "right"), []))
    return Progress(
        patient=patient,
        today=today,
        own=own,
        weeks=weekly(days, first_week=first_week, today=today),
        streak=streak(days, today=today),
        pain=daily.pain,
        trends=trends,
        cva_left=left,
        cva_right=right,
        cva_summary=_cva_summary(left, right, today=today, own=own),
        workstation=daily.workstation,
        breaks=daily.breaks,
        next=_next(patient, today, days),
    )


@dataclass(frozen=True)
class OutcomeRow:
    record: OutcomeRecord
    url: str
    shown: str  # the value as shown ("40%", "32 s", "—" for range of motion or not scored)


def outcome_records(patient: User) -> list[OutcomeRow]:
    """Every outcome record of the patient, newest first, with who entered it (one query)."""
    outcome_path = _outcome_path()
    rows = []
    for record in (
        OutcomeRecord.objects.filter(patient=patient)
        .select_related("entered_by")
        .order_by("-recorded_on", "-entered_at", "-pk")
    ):
        shown = "—" if record.value is None else value_text(record.measure, record.value)
        if record.measure == Measure.CVA and record.detail.get("side"):
            shown = f"{shown} ({record.detail['side']})"
        rows.append(OutcomeRow(record, outcome_path.format(record.public_id), shown))
    return rows


def _outcome_path() -> str:
    """The outcome detail page's path with {} for the id (the page is the measures part's; a
    plain path until its URL exists)."""
    marker = "00000000-0000-0000-0000-000000000000"
    try:
        return reverse("outcome_detail", args=[marker]).replace(marker, "{}")
    except NoReverseMatch:
        return "/outcomes/{}/"
