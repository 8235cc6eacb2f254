"""Reads for programs and logs, scoped through accounts.access."""

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts import audit
from accounts.access import patients_visible_to
from accounts.models import Clinic, PatientProfile, User
from rehab.ops import prepared
from rehab.ops.compose import columns, from_row

from .models import (
    Day,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramVersion,
    Protocol,
    SessionLog,
)


def programs_visible_to(viewer: User) -> QuerySet[Program]:
    return Program.objects.filter(patient__in=patients_visible_to(viewer))


def get_program_or_404(viewer: User, public_id: UUID | str) -> Program:
    """A program of a patient `viewer` may see, else 404 (never confirms foreign ids)."""
    try:
        return audit.noted(
            programs_visible_to(viewer)
            .select_related("patient__patient_profile", "created_by")
            .get(public_id=public_id)
        )
    except (Program.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such program.") from exc


def sessions_visible_to(viewer: User) -> QuerySet[SessionLog]:
    return SessionLog.objects.filter(patient__in=patients_visible_to(viewer))


def get_session_or_404(viewer: User, public_id: UUID | str) -> SessionLog:
    try:
        return audit.noted(sessions_visible_to(viewer).get(public_id=public_id))
    except (SessionLog.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such session.") from exc


def protocols_visible_to(viewer: User) -> QuerySet[Protocol]:
    """Shared protocols and the viewer's clinic's own."""
    if viewer.clinic_id is None:
        return Protocol.objects.none()
    return Protocol.objects.filter(Q(clinic=None) | Q(clinic_id=viewer.clinic_id))


def get_protocol_or_404(viewer: User, public_id: UUID | str) -> Protocol:
    try:
        return protocols_visible_to(viewer).get(public_id=public_id)
    except (Protocol.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such protocol.") from exc


def version_in_force(program: Program, on: date) -> ProgramVersion | None:
    return program.versions.filter(effective_from__lte=on).order_by("-effective_from").first()


def items_due(*, patient: User, on: date) -> QuerySet[ProgramItem]:
    """The items a patient is prescribed on a local date (active programs, not paused)."""
    bit = 1 << on.weekday()
    paused = ProgramPause.objects.filter(starts_on__lte=on).exclude(ends_on__lt=on)
    return (
        ProgramItem.objects.filter(
            version__program__patient=patient,
            version__program__status__in=["active", "paused"],
            active_from__lte=on,
        )
        .exclude(active_to__lt=on)
        .exclude(version__program__in=paused.values("program"))
        .annotate(on_day=F("days_of_week").bitand(bit))
        .filter(on_day__gt=0)
        .select_related("exercise", "version__program")
        .order_by("version__program_id", "position")
    )


def items_to_do(*, patient: User, on: date) -> list[ProgramItem]:
    """`items_due` for the patient's Today page: with the exercise joined in, not the version and
    program, which the page does not show (a quarter less work for the ORM)."""
    return list(items_due(patient=patient, on=on).select_related(None).select_related("exercise"))


def doses_done_by_item(*, patient: User, on: date) -> dict[int, float]:
    """Per prescribed item, the sum of dose fractions the patient logged on a local date."""
    return dict(
        ExerciseLog.objects.filter(session__patient=patient, performed_on=on)
        .values("item")
        .annotate(doses=Sum("dose_fraction"))
        .values_list("item", "doses")
    )


def load_profile_and_clinic(patient: User) -> None:
    """Attach the patient's profile (their time zone, for their today) and clinic (the page
    header) to `patient`, read in one prepared query rather than one each when first used.
    Written in SQL: through the ORM (select_related), building the query took three times as
    long as running it."""
    rows = prepared.fetchall(_profile_and_clinic_sql(connection.alias), [patient.pk])
    if not rows:
        raise PatientProfile.DoesNotExist(f"No patient profile for user {patient.pk}.")
    split = len(PatientProfile._meta.concrete_fields)
    profile, clinic = rows[0][:split], rows[0][split:]
    patient.patient_profile = from_row(PatientProfile, profile)
    patient.clinic = None if clinic[0] is None else from_row(Clinic, clinic)


@functools.cache
def _profile_and_clinic_sql(using: str) -> str:
    """Written once per process: it only depends on the models."""
    return f"""
        SELECT {columns(PatientProfile, "p", using)}, {columns(Clinic, "c", using)}
        FROM {_table(PatientProfile)} p
        JOIN {_table(User)} u ON u.id = p.user_id
        LEFT JOIN {_table(Clinic)} c ON c.id = u.clinic_id
        WHERE p.user_id = %s
    """  # noqa: S608 - names come from model metadata, the value is a parameter


@dataclass(frozen=True)
class TodayHeader:
    checkin_due: bool
    red_flag_at: datetime | None
    unread_count: int
    has_questionnaires: bool


def today_header(*, patient: User, now: datetime) -> TodayHeader:
    """What Today shows around the exercises: whether the weekly safety check is due (as
    `alerts.services.checkin_due` answers), when the red flag awaiting the clinician was raised
    (`alerts.selectors.open_red_flag`'s `created_at`), the bell's unread count (as
    `reminders.context_processors` counts), and whether the patient has questionnaire schedules
    at all (most do not: their due card need not be worked out). One query, whatever the answers,
    written in SQL: built through the ORM, its subqueries cost more than the rest of the page's
    queries together."""
    from rehab.alerts.models import Alert, RedFlagCheckin, Rule
    from rehab.alerts.services import CHECKIN_EVERY
    from rehab.outcomes.models import QuestionnaireSchedule
    from rehab.reminders.models import Notification

    checkin, alert, notification = _table(RedFlagCheckin), _table(Alert), _table(Notification)
    schedule = _table(QuestionnaireSchedule)
    sql = f"""
        SELECT
            EXISTS (SELECT 1 FROM {checkin} WHERE patient_id = %s AND answered_at > %s),
            (SELECT MAX(created_at) FROM {alert}
             WHERE patient_id = %s AND rule = %s AND acknowledged_at IS NULL),
            (SELECT COUNT(*) FROM {notification} WHERE recipient_id = %s AND read_at IS NULL),
            EXISTS (SELECT 1 FROM {schedule} WHERE patient_id = %s)
    """  # noqa: S608 - table names come from model metadata, values are parameters
    since = connection.ops.adapt_datetimefield_value(now - CHECKIN_EVERY)
    params = [patient.pk, since, patient.pk, Rule.RED_FLAG.value, patient.pk, patient.pk]
    ((checked_in, red_flag_at, unread, scheduled),) = prepared.fetchall(sql, params)
    return TodayHeader(
        checkin_due=not checked_in,
        red_flag_at=_aware(red_flag_at),
        unread_count=unread,
        has_questionnaires=bool(scheduled),
    )


@dataclass(frozen=True)
class LoggedSession:
    """A session as Today lists it: when, the pain after, and each entry in the order logged."""

    public_id: UUID
    logged_at: datetime
    pain_after: int | None
    entries: tuple[tuple[int, float, bool], ...]  # (item id, dose fraction, skipped)

    def summary(self, names: Mapping[int, str]) -> str:
        """For example "Chin tuck, Shoulder rolls (skipped)", with `names` by item id."""
        return ", ".join(
            f"{names[item_id]} (skipped)" if skipped else names[item_id]
            for item_id, _, skipped in self.entries
        )


def _aware(value: datetime | str | None) -> datetime | None:
    """A timestamp as a raw query returns it, aware (SQLite answers naive text, in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def sessions_on(*, patient: User, on: date) -> list[LoggedSession]:
    """The patient's sessions of a local date in the order logged, with their entries, in one
    query of plain rows (a patient may log several sessions a day, each of 6-10 entries: loading
    them as model instances was half of Today's time, and joining in the exercise names made
    PostgreSQL plan longer than it ran; `exercise_names` has them). Written in SQL and prepared
    (rehab/ops/prepared.py): building it through the ORM cost more than running it."""
    session, entry = _table(SessionLog), _table(ExerciseLog)
    sql = f"""
        SELECT s.id, s.public_id, s.logged_at, s.pain_after, e.item_id, e.dose_fraction, e.skipped
        FROM {session} s LEFT JOIN {entry} e ON e.session_id = s.id
        WHERE s.patient_id = %s AND s.performed_on = %s
        ORDER BY s.logged_at, s.id, e.id
    """  # noqa: S608 - table names come from model metadata, values are parameters
    found: dict[int, tuple[UUID, datetime, int | None, list[tuple[int, float, bool]]]] = {}
    for (
        session_id,
        public_id,
        logged_at,
        pain_after,
        item_id,
        fraction,
        skipped,
    ) in prepared.fetchall(sql, [patient.pk, on]):
        if session_id not in found:
            found[session_id] = (
                public_id if isinstance(public_id, UUID) else UUID(public_id),
                cast(datetime, _aware(logged_at)),
                pain_after,
                [],
            )
        if item_id is not None:
            found[session_id][3].append((item_id, fraction, bool(skipped)))
    return [
        LoggedSession(public_id, logged_at, pain_after, tuple(entries))
        for public_id, logged_at, pain_after, entries in found.values()
    ]


def exercise_names(item_ids: Iterable[int], known: Mapping[int, str]) -> Mapping[int, str]:
    """The exercise name of each item, from `known` (say, the day's cards) where it can be: the
    others (an item revised away since it was logged) are read."""
    missing = set(item_ids) - known.keys()
    if not missing:
        return known
    return {
        **known,
        **dict(ProgramItem.objects.filter(pk__in=missing).values_list("pk", "exercise__name")),
    }


def doses_by_item(sessions: list[LoggedSession]) -> dict[int, float]:
    """`doses_done_by_item` for the day of `sessions_on`, summed from the entries it loaded
    (an entry's date is its session's) instead of one more query."""
    fractions: dict[int, list[float]] = {}
    for session in sessions:
        for item_id, fraction, _ in session.entries:
            fractions.setdefault(item_id, []).append(fraction)
    # fsum: exact, so three thirds make 1.0 and the dose counts as done, as with SQL's SUM.
    return {item_id: math.fsum(parts) for item_id, parts in fractions.items()}


@dataclass(frozen=True)
class DayAdherence:
    day: date
    expected: float
    completed: float

    @property
    def ratio(self) -> float | None:
        return None if self.expected == 0 else min(1.0, self.completed / self.expected)


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def adherence_by_day(
    *, patient: User, start: date, end: date, program: Program | None = None
) -> list[DayAdherence]:
    """Expected and completed doses per local date, computed in one SQL query.

    Expected: for each prescribed item in force that day (its date range, its days of week,
    program not paused), `times_per_day` doses. Completed: per item and day, the sum of logged
    dose fractions (partial sessions count partially), capped at `times_per_day`.
    With `program`, only that program's items count.
    """
    item, version, prog = _table(ProgramItem), _table(ProgramVersion), _table(Program)
    pause, log, day = _table(ProgramPause), _table(ExerciseLog), _table(Day)
    only_program = "" if program is None else "AND p.id = %(program)s"
    # Both halves start from the patient's own items (a handful, through the program's patient
    # index) rather than from all their sessions' entries joined to every item: PostgreSQL then
    # reads each item's entries by the (item, performed_on) index instead of hashing the whole
    # item table, and plans a third as long. An entry's item is always one prescribed to the
    # session's patient (services.session_log_create and session_log_update check it). Items in
    # force on the same dates and days of the week (usually a whole version's) are summed into
    # one bundle, and each bundle meets only the days of its own dates within the window (a
    # range of the calendar's index), not every day of a year-long window.
    sql = f"""
        WITH items AS (
            SELECT i.id, i.times_per_day, i.days_of_week, i.active_from, i.active_to,
                   v.program_id
            FROM {prog} p
            JOIN {version} v ON v.program_id = p.id
            JOIN {item} i ON i.version_id = v.id
            WHERE p.patient_id = %(patient)s {only_program}
        ),
        bundles AS (
            SELECT program_id, active_from, active_to, days_of_week,
                   SUM(times_per_day) AS doses
            FROM items
            GROUP BY program_id, active_from, active_to, days_of_week
        ),
        expected AS (
            SELECT d.date AS day, SUM(b.doses) AS doses
            FROM bundles b
            JOIN {day} d
              ON d.date >= CASE WHEN b.active_from > %(start)s THEN b.active_from
                                ELSE %(start)s END
             AND d.date <= CASE WHEN b.active_to IS NOT NULL AND b.active_to < %(end)s
                                THEN b.active_to ELSE %(end)s END
             AND (b.days_of_week & d.weekday_bit) != 0
            WHERE NOT EXISTS (
                  SELECT 1 FROM {pause} pz
                  WHERE pz.program_id = b.program_id AND pz.starts_on <= d.date
                    AND (pz.ends_on IS NULL OR pz.ends_on >= d.date))
            GROUP BY d.date
        ),
        done_per_item AS (
            SELECT e.performed_on AS day,
                   CASE WHEN SUM(e.dose_fraction) > i.times_per_day THEN i.times_per_day
                        ELSE SUM(e.dose_fraction) END AS doses
            FROM items i
            JOIN {log} e ON e.item_id = i.id
            JOIN {day} dd ON dd.date = e.performed_on AND dd.date BETWEEN %(start)s AND %(end)s
                         AND (i.days_of_week & dd.weekday_bit) != 0
            WHERE e.performed_on BETWEEN %(start)s AND %(end)s
            GROUP BY e.performed_on, e.item_id, i.times_per_day
        ),
        done AS (SELECT day, SUM(doses) AS doses FROM done_per_item GROUP BY day)
        SELECT d.date, COALESCE(x.doses, 0), COALESCE(y.doses, 0)
        FROM {day} d
        LEFT JOIN expected x ON x.day = d.date
        LEFT JOIN done y ON y.day = d.date
        WHERE d.date BETWEEN %(start)s AND %(end)s
        ORDER BY d.date
    """  # noqa: S608 - table names come from model metadata, values are parameters
    params: dict[str, Any] = {"patient": patient.pk, "start": start, "end": end}
    if program is not None:
        params["program"] = program.pk
    rows = prepared.fetchall(sql, params)
    return [
        DayAdherence(
            day=row[0] if isinstance(row[0], date) else date.fromisoformat(row[0]),
            expected=float(row[1]),
            completed=float(row[2]),
        )
        for row in rows
    ]


def adherence_ratio(days: list[DayAdherence]) -> float | None:
    expected = sum(d.expected for d in days)
    return None if expected == 0 else min(1.0, sum(d.completed for d in days) / expected)


def patient_programs(*, patient: User) -> QuerySet[Program]:
    """A patient's programs, newest first, with versions and their items joined in."""
    from django.db.models import Prefetch

    return (
        Program.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ProgramVersion.objects.select_related("created_by")
                .prefetch_related(
                    Prefetch(
                        "items",
                        queryset=ProgramItem.objects.select_related("exercise").order_by(
                            "position"
                        ),
                    )
                )
                .order_by("-number"),
            )
        )
        .order_by("-start_date")
    )


def session_timeline(*, patient: User) -> QuerySet[SessionLog]:
    """The patient's sessions, newest first, each with its exercises (paginate this)."""
    from django.db.models import Prefetch

    return (
        SessionLog.objects.filter(patient=patient)
        .select_related("version")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ExerciseLog.objects.select_related("item__exercise").order_by(
                    "item__position"
                ),
            )
        )
        .order_by("-performed_on", "-logged_at")
    )
