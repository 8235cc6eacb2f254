"""The therapist's caseload page, cached per process, and what keeps that cache correct.

Computing 200 patients' 90-day facts and rendering their rows takes far longer than the page may,
so each web process keeps the finished rows (their HTML, patient and reasons) in its own memory
(the "local" cache), and the first process to need them after a change works them out once for
all, through Django's default cache (a table they share; the others wait for it), under a key of

- the therapist and the clinic (by public id: primary keys can come back after a delete on
  SQLite, UUIDs do not);
- the clinic's `caseload_version`, a counter raised after every committed write that changes what
  a row shows. It is read from the clinic row the request loads anyway, so a cache in each
  process is still right across processes and hosts: a write in one raises the version the
  others read next;
- the 15-minute UTC window. Every UTC offset in use is a whole number of quarter hours, so no
  patient's local date (their "today", the adherence days, "3 days ago") changes inside one; the
  entry also remembers each time zone's local date and is not used if one differs. The window
  also bounds how long a write that somehow skipped the version could stay unseen.

Nothing else in a row depends on the time. The therapist, their patients and the clinic
settings are all either in the key or covered by the version.

Invalidation, below, is a cache concern and not a business rule: receivers of Django's model
signals (connected in OutcomesConfig.ready) note which clinic changed, and an UPDATE in the
writing transaction itself raises the version of each: it commits, or rolls back, with the
change, so readers see the new version exactly when they see the new data. (An UPDATE after the
commit cost a second write transaction per session log, a quarter of the log's throughput on
SQLite; on SQLite the writing transaction holds the one write lock anyway, and on PostgreSQL the
clinic row stays locked only for the rest of a short transaction.) The signals catch every
write made with save() or delete() (services, forms, Django admin, commands, tasks; queryset
deletes too, Django sends the signals per row once a receiver listens). A queryset .update() or
bulk_create() sends none: code that writes these models that way calls `changed()` itself, or,
below the domain apps (accounts), sends a signal this module listens to (care_team_changed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import CaseloadAssignment, Clinic, PatientProfile, User
from accounts.services import care_team_changed
from rehab.alerts.models import Alert
from rehab.home.templatetags.dashboard_tags import sparkline
from rehab.ops import counters
from rehab.programs.models import (
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramVersion,
    SessionLog,
)

from . import dashboards
from .models import OutcomeRecord

CACHE_ALIAS = "local"
SHARED_CACHE_ALIAS = "default"
WINDOW_SECONDS = 15 * 60

# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadEntry:
    """One row of the page as cached: its HTML and what the filters need."""

    patient_pk: int
    fragment: str  # the row's HTML (`row_html`)
    reasons: tuple[dashboards.Reason, ...]


def html_of(entries: Iterable[CaseloadEntry]) -> SafeString:
    """The rows' HTML in one string: the page inserts it once instead of looping 200 times."""
    # Each fragment is the row template's output, escaped there.
    return mark_safe("".join(entry.fragment for entry in entries))  # noqa: S308


@dataclass(frozen=True)
class Caseload:
    """Every active patient's row, most urgent first, and the local date of each time zone of
    the caseload when it was computed."""

    entries: tuple[CaseloadEntry, ...] = ()
    todays: tuple[tuple[str, date], ...] = ()

    def is_current(self, now: datetime) -> bool:
        return all(dashboards.local_today(zone, now) == today for zone, today in self.todays)


def cache_key(therapist: User, clinic: Clinic, now: datetime) -> str:
    window = int(now.timestamp()) // WINDOW_SECONDS
    return f"caseload:{therapist.public_id}:{clinic.public_id}:{clinic.caseload_version}:{window}"


def caseload(*, therapist: User, now: datetime | None = None) -> Caseload:
    """The therapist's whole caseload page rows, from this process's cache when it has them for
    the clinic's current version and this quarter hour; else from the cache every process
    shares, worked out there by one process at a time (`_shared`)."""
    now = now or timezone.now()
    clinic = therapist.clinic  # loaded once per request: the version costs no query
    if clinic is None:
        return Caseload()
    cache = caches[CACHE_ALIAS]
    key = cache_key(therapist, clinic, now)
    cached = cache.get(key)
    if isinstance(cached, Caseload) and cached.is_current(now):
        return cached
    fresh = _shared(key, therapist, now)
    cache.set(key, fresh, timeout=WINDOW_SECONDS)
    return fresh


# How long a process waits for another to work the rows out before doing it itself, and how
# often it looks.
SHARED_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.01


def _shared(key: str, therapist: User, now: datetime) -> Caseload:
    """The rows from Django's default cache (a table every process and host shares), worked out
    by the first process that misses while the others wait for it. After a write each web
    process would otherwise compute the same rows at the same moment, competing for the CPU with
    each other and with every request queued behind them. A process that finds no answer in
    SHARED_WAIT_SECONDS (the one computing died or is slow) computes the rows itself."""
    shared = caches[SHARED_CACHE_ALIAS]
    found = shared.get(key)
    if isinstance(found, Caseload) and found.is_current(now):
        return found
    turn = f"{key}:computing"
    my_turn = shared.add(turn, True, timeout=int(SHARED_WAIT_SECONDS * 3))
    if not my_turn:
        deadline = time.monotonic() + SHARED_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
            found = shared.get(key)
            if isinstance(found, Caseload) and found.is_current(now):
                return found
    try:
        fresh = compute(therapist=therapist, now=now)
        shared.set(key, fresh, timeout=WINDOW_SECONDS)
    finally:
        if my_turn:
            shared.delete(turn)
    return fresh


def clear() -> None:
    """Empty both levels (tests that need the rows worked out again)."""
    caches[CACHE_ALIAS].clear()
    caches[SHARED_CACHE_ALIAS].clear()


def compute(*, therapist: User, now: datetime) -> Caseload:
    rows = dashboards.caseload_rows(therapist=therapist, now=now)
    entries = tuple(
        CaseloadEntry(patient_pk=row.patient.pk, fragment=row_html(row), reasons=tuple(row.reasons))
        for row in rows
    )
    todays = {dashboards.zone_of(row.patient): row.today for row in rows}
    return Caseload(entries=entries, todays=tuple(sorted(todays.items())))


def row_html(row: dashboards.CaseloadRow) -> str:
    """One row of the page, written here rather than by a template: on a miss every row is
    written, and a template took a quarter of that time. The markup is the one
    tests/home/reference_caseload_row.html writes (a test holds them equal). Only the row is
    used: nothing of a request (user, CSRF token) can reach HTML served to other requests."""
    patient = row.patient
    urgent = " urgent" if row.open_red_flags else " attention" if row.flags else ""
    if row.flags:
        flags = "".join(_flag_html(flag, row.red_flag_alert_id) for flag in row.flags)
        reasons = f'\n    <ul class="reasons">\n      {flags}\n    </ul>\n    '
    else:
        reasons = '<span class="muted">Nothing flagged</span>'
    percent = row.adherence_percent
    figure = '<span class="muted">Nothing prescribed</span>' if percent is None else f"{percent}%"
    last = row.last_session_on
    if last is None:
        session = "never"
    else:
        n = row.days_since_last_session
        ago = "today" if n == 0 else "yesterday" if n == 1 else f"{n} days ago"
        day = f"{last.day} {_MONTHS[last.month - 1]} {last.year}"
        session = (
            f'<time datetime="{last.isoformat()}">{day}</time>\n'
            f'    <span class="muted small">{ago}</span>\n    '
        )
    title = (
        f'<span class="muted small"> · {escape(row.program_title)}</span>'
        if row.program_title
        else ""
    )
    detail = reverse("patient_detail", args=[patient.public_id])
    return (
        f'<tr class="caseload-row{urgent}">\n'
        '  <th scope="row" data-label="Patient">\n'
        f'    <a href="{detail}">{escape(patient.full_name)}</a>\n'
        f'    <span class="muted small email">{escape(patient.email)}</span>\n'
        "  </th>\n"
        f'  <td data-label="Needs attention">\n    {reasons}\n  </td>\n'
        '  <td data-label="Adherence, last 7 days" class="adherence">\n'
        f'    <span class="adherence-figure">{figure}</span>\n'
        f"    {sparkline(row.days)}\n"
        "  </td>\n"
        f'  <td data-label="Last session">\n    {session}\n  </td>\n'
        f'  <td data-label="Program">{escape(row.program_label)}{title}</td>\n'
        "</tr>\n"
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _flag_html(flag: dashboards.Flag, red_flag_alert_id: str | None) -> str:
    urgent = " urgent" if flag.urgent else ""
    label: str = escape(flag.label)
    if flag.urgent and red_flag_alert_id:
        label = f'<a href="{reverse("alert_detail", args=[red_flag_alert_id])}">{label}</a>'
    return f'<li class="badge reason reason-{flag.reason.value}{urgent}">{label}</li>'


# --- Invalidation -------------------------------------------------------------------------------


def changed(
    *,
    clinics: Iterable[int | None] = (),
    users: Iterable[int | None] = (),
    programs: Iterable[int | None] = (),
    versions: Iterable[int | None] = (),
    sessions: Iterable[int | None] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Raise, in the current transaction, the caseload version of the clinics these
    objects belong to (users: patients or therapists; a patient's change also reaches the
    clinics of their therapists). For writes that send no model signals (.update(),
    bulk_create())."""
    sql, params = _raise_sql(
        clinics=counters.present(clinics),
        users=counters.present(users),
        programs=counters.present(programs),
        versions=counters.present(versions),
        sessions=counters.present(sessions),
        quote=connections[using].ops.quote_name,
    )
    if params:
        counters.execute(sql, params, using)


def _raise_sql(
    *,
    clinics: list[int],
    users: list[int],
    programs: list[int],
    versions: list[int],
    sessions: list[int],
    quote: Callable[[str], str],
) -> tuple[str, list[int]]:
    """The one UPDATE (rehab/ops/counters.py): the clinics named, those of the people reached,
    and those of the people's therapists."""
    user, clinic, assignment, program, version, session = (
        quote(model._meta.db_table)
        for model in (User, Clinic, CaseloadAssignment, Program, ProgramVersion, SessionLog)
    )
    # S608 below: the table names come from model metadata, every value is a parameter.
    reached, people_params = counters.union(
        [
            (users, f"SELECT id FROM {user} WHERE id IN "),  # noqa: S608
            (programs, f"SELECT patient_id FROM {program} WHERE id IN "),  # noqa: S608
            (
                versions,
                f"SELECT p.patient_id FROM {program} p JOIN {version} v "  # noqa: S608
                "ON v.program_id = p.id WHERE v.id IN ",
            ),
            (sessions, f"SELECT patient_id FROM {session} WHERE id IN "),  # noqa: S608
        ]
    )
    where: list[str] = []
    params: list[int] = []
    if clinics:
        where.append(f"id IN ({counters.placeholders(clinics)})")
        params += clinics
    if reached:
        where.append(f"id IN (SELECT clinic_id FROM {user} WHERE id IN ({reached}))")  # noqa: S608
        where.append(
            f"id IN (SELECT t.clinic_id FROM {assignment} a JOIN {user} t "  # noqa: S608
            f"ON t.id = a.therapist_id WHERE a.patient_id IN ({reached}))"
        )
        params += people_params * 2
    conditions = " OR ".join(where)
    sql = f"UPDATE {clinic} SET caseload_version = caseload_version + 1 WHERE {conditions}"  # noqa: S608
    return sql, params


# What each model's change reaches: the fields a row shows (None: any save counts), and the ids.
_CLINIC_FIELDS = {"no_session_alert_days", "adherence_threshold_percent"}
_USER_FIELDS = {"full_name", "email", "is_active", "clinic", "clinic_id", "role", "public_id"}
_PROFILE_FIELDS = {"time_zone", "user", "user_id"}


def _touches(update_fields: Iterable[str] | None, relevant: set[str]) -> bool:
    return update_fields is None or not relevant.isdisjoint(update_fields)


def _ids(instance: Model) -> dict[str, list[int | None]] | None:
    """The ids to note for a saved or deleted instance of one of the watched models."""
    if isinstance(instance, Clinic):
        return {"clinics": [instance.pk]}
    if isinstance(instance, User):
        return {"clinics": [instance.clinic_id], "users": [instance.pk]}
    if isinstance(instance, PatientProfile):
        return {"users": [instance.user_id]}
    if isinstance(instance, CaseloadAssignment):
        return {"users": [instance.patient_id, instance.therapist_id]}
    if isinstance(instance, Alert | Program | OutcomeRecord):
        return {"clinics": [instance.clinic_id], "users": [instance.patient_id]}
    if isinstance(instance, SessionLog):
        return {"users": [instance.patient_id]}
    if isinstance(instance, ProgramVersion | ProgramPause):
        return {"programs": [instance.program_id]}
    if isinstance(instance, ProgramItem):
        return {"versions": [instance.version_id]}
    if isinstance(instance, ExerciseLog):
        return {"sessions": [instance.session_id]}
    return None


_RELEVANT_FIELDS: dict[type[Model], set[str]] = {
    Clinic: _CLINIC_FIELDS,
    User: _USER_FIELDS,
    PatientProfile: _PROFILE_FIELDS,
}

WATCHED: tuple[type[Model], ...] = (
    Clinic,
    User,
    PatientProfile,
    CaseloadAssignment,
    Alert,
    OutcomeRecord,
    Program,
    ProgramVersion,
    ProgramItem,
    ProgramPause,
    SessionLog,
    ExerciseLog,
)


def _saved(
    sender: type[Model],
    instance: Model,
    created: bool = False,
    raw: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw:  # loaddata: no request has seen these rows
        return
    relevant = _RELEVANT_FIELDS.get(sender)
    if relevant is not None and not created and not _touches(update_fields, relevant):
        return  # e.g. a sign-in's last_login
    ids = _ids(instance)
    if ids is not None:
        changed(using=using, **ids)


_RAISED_BY = ("clinics", "users", "programs", "versions", "sessions")  # _raise_sql's id lists


def created_sql(instance: Model, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list[int]] | None:
    """The UPDATE the post_save receiver runs for `instance` just created, for a write that
    sends no signals and runs it in a statement of its own making
    (rehab/programs/session_insert.py); None when the instance changes no row."""
    ids = _ids(instance)
    if ids is None:
        return None
    sql, params = _raise_sql(
        **{name: counters.present(ids.get(name, ())) for name in _RAISED_BY},
        quote=connections[using].ops.quote_name,
    )
    return (sql, params) if params else None


def _deleted(
    sender: type[Model], instance: Model, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    ids = _ids(instance)
    if ids is not None:
        changed(using=using, **ids)


def _care_team_changed(sender: type[Model], patient: User, **kwargs: Any) -> None:
    changed(users=[patient.pk])


def connect() -> None:
    """Called once from OutcomesConfig.ready()."""
    for model in WATCHED:
        uid = f"caseload_cache:{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    care_team_changed.connect(_care_team_changed, dispatch_uid="caseload_cache:care_team")
