"""The audit trail: who read which patient's health data, sign-in and MFA events, and the
timeline staff filter and export.

Three sources, one log:
- reads of health data by anyone but the patient: the selectors that resolve one patient or one
  patient's object call `noted()`, and HealthReadAuditMiddleware writes one AuditEvent per
  patient touched after a successful GET/HEAD of a route classified in HEALTH_ROUTES (one INSERT
  per request, whatever the page shows). A health list without a single patient gets one event
  with its query string;
- sign-in, sign-out, failed sign-in, MFA and password events (accounts/signals.py);
- changes of records: django-auditlog's LogEntry (models registered in each app's apps.py).

AuditEvent is append-only (accounts/models.py; on PostgreSQL a trigger refuses UPDATE and DELETE
on it and on auditlog's table).
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fnmatch import fnmatchcase
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import CharField, F, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse

from .models import AuditEvent, AuditKind, Clinic, Role, User
from .spreadsheet import safe_cell

# --- Which routes show health data ----------------------------------------------------------------
# Every URL pattern of the project is classified here (tests/accounts/test_audit_routes.py fails
# on a pattern that is not), so a new page or endpoint cannot forget its read log.

READ = AuditKind.READ
EXPORT = AuditKind.EXPORT

HEALTH_ROUTES: dict[str, str] = {
    # Pages about one patient, or listing patients with their adherence, pain or alerts.
    "caseload": READ,
    "clinic_home": READ,
    "patient_detail": READ,
    "program_new": READ,
    "program_detail": READ,
    "program_revise": READ,
    "program_handout": READ,
    "today": READ,
    "session_edit": READ,
    # Therapists' notifications name the patient and the reason of an alert.
    "notification_list": READ,
    "alert_list": READ,
    "alert_detail": READ,
    "checkin": READ,
    "checkin_detail": READ,
    "patient_outcome_new": READ,
    "outcome_detail": READ,
    "patient_questionnaires": READ,
    "posture_photo_list": READ,
    "posture_photo_detail": READ,
    "posture_photo_image": READ,
    "posture_photo_delete": READ,
    "posture_patient_photos": READ,
    "posture_patient_photo_upload": READ,
    "posture_workstation": READ,
    "posture_patient_workstation": READ,
    "progress": READ,
    "my_record": READ,
    "my_record_csv": EXPORT,
    "my_record_fhir": EXPORT,
    "patient_export_csv": EXPORT,
    "patient_export_fhir": EXPORT,
    "staff_person": READ,  # a patient's date of birth and condition notes
    # The API.
    "api_program_list": READ,
    "api_program_detail": READ,
    "api_today": READ,
    "api_session_list": READ,
    "api_session_detail": READ,
    "api_alert_list": READ,
    "api_alert_detail": READ,
    "api_checkin_list": READ,
    "api_notification_list": READ,
    "api_outcome_list": READ,
    "api_outcome_detail": READ,
    "api_patient_questionnaires": READ,
    "api_photo_list": READ,
    "api_photo_detail": READ,
    "api_workstation_check_list": READ,
    "api_progress": READ,
    "api_patient_progress": READ,
    "api_caseload": READ,
    # Django admin (platform operators): patient profiles hold condition notes.
    "admin:accounts_patientprofile_changelist": READ,
    "admin:accounts_patientprofile_change": READ,
    "admin:accounts_patientprofile_history": READ,
}

# Routes that show no patient's health data (or only write it: POST-only routes are never
# logged as reads; their changes are in django-auditlog's log).
NOT_HEALTH_ROUTES: frozenset[str] = frozenset(
    {
        "index",
        "home",
        "clinic_settings",
        "session_delete",
        "exercise_picker",
        "program_pause",
        "program_resume",
        "program_end",
        "program_save_protocol",
        "protocol_list",
        "reminder_settings",
        "notification_read",
        "notification_read_all",
        "reminder_stop",
        "outcome_new_self",  # an empty questionnaire form
        "posture_photo_upload",
        "posture_break",
        "my_calendar",
        # The token is the patient's calendar subscription; it shows exercise times only.
        "calendar_feed",
        "staff_people",  # names, roles and care teams
        "staff_invite",
        "staff_person_care_team",
        "staff_person_details",
        "staff_person_deactivate",
        "staff_person_reactivate",
        "staff_invitation_resend",
        "staff_invitation_revoke",
        # Reading the audit log is not a read of a patient's record; its export is an event.
        "staff_audit",
        "staff_audit_export",
        "invitation_accept",
        "library",
        "exercise_create",
        "exercise_detail",
        "exercise_edit",
        "exercise_image",
        "api_me",
        "api_ping",
        "api_exercise_list",
        "api_exercise_detail",
        "api_muscle_list",
        "api_program_versions",
        "api_program_pause",
        "api_program_resume",
        "api_program_end",
        "api_protocol_list",
        "api_protocol_detail",
        "api_alert_acknowledge",
        "api_notification_read",
        "api_photo_mark",
        "api_posture_break_list",
        "api_schema",
        "api_docs",
        "healthz",
    }
)

# Third-party route families: sign-in, MFA and session pages (allauth) and the rest of Django
# admin (accounts, exercises, delivery records: no health data).
NOT_HEALTH_ROUTE_GLOBS = ("account_*", "mfa_*", "usersessions_*", "admin:*")


def route_class(view_name: str) -> str | None:
    """READ or EXPORT for a health-data route, "" for one that shows none, None if the route
    is not classified (the meta-test's failure)."""
    if view_name in HEALTH_ROUTES:
        return HEALTH_ROUTES[view_name]
    if view_name in NOT_HEALTH_ROUTES or any(
        fnmatchcase(view_name, glob) for glob in NOT_HEALTH_ROUTE_GLOBS
    ):
        return ""
    return None


# --- Patients touched by the current request ------------------------------------------------------

_touched: ContextVar[set[int] | None] = ContextVar("audit_patients_touched", default=None)

T = TypeVar("T")


def start_request() -> Token[set[int] | None]:
    return _touched.set(set())


def end_request(token: Token[set[int] | None]) -> set[int]:
    touched = _touched.get() or set()
    _touched.reset(token)
    return touched


def note_patient(patient: User | int | None) -> None:
    """Remember that the current request resolved this patient (a no-op outside a request)."""
    touched = _touched.get()
    if touched is None or patient is None:
        return
    if isinstance(patient, User):
        if patient.role != Role.PATIENT:
            return
        patient = patient.pk
    touched.add(patient)


def noted(obj: T) -> T:
    """`obj` (a patient, or a patient's record with `patient_id`), after noting its patient.
    For the selectors: `return audit.noted(queryset.get(...))`."""
    note_patient(obj if isinstance(obj, User) else getattr(obj, "patient_id", None))
    return obj


# --- Writing events -------------------------------------------------------------------------------


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip

    try:
        return get_client_ip(request)
    except (ImproperlyConfigured, ValueError):
        return request.META.get("REMOTE_ADDR") or None


def _request_fields(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    match = getattr(request, "resolver_match", None)
    return {
        "route": (match.view_name if match else "")[:100],
        "method": (request.method or "")[:8],
        "path": request.path[:500],
        "query": request.META.get("QUERY_STRING", "")[:1000],
        "object_ids": {key: str(value) for key, value in match.kwargs.items()} if match else {},
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not actor.is_authenticated:
        return {}
    return {
        "actor": actor,
        "actor_role": actor.role,
        "email": actor.email,
        "clinic_id": actor.clinic_id,
    }


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    detail: dict[str, Any] | None = None,
    **fields: Any,
) -> AuditEvent:
    """Append one event (sign-in, MFA, export of the audit log...)."""
    return AuditEvent.objects.create(
        kind=kind,
        **_request_fields(request),
        **_actor_fields(actor),
        detail=detail or {},
        **fields,
    )


def record_reads(request: HttpRequest, response: HttpResponse, touched: set[int]) -> None:
    """After a request: the health-data reads it made, in one INSERT (see the module doc)."""
    if request.method not in ("GET", "HEAD") or not 200 <= response.status_code < 300:
        return
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None:
        return
    kind = HEALTH_ROUTES.get(match.view_name)
    if kind is None:
        return
    patients = touched - {user.pk}
    if not patients and user.role == Role.PATIENT:
        return  # a patient reading their own data
    base = {"kind": kind, **_request_fields(request), **_actor_fields(user)}
    if patients:
        AuditEvent.objects.bulk_create(
            [AuditEvent(patient_id=patient_id, **base) for patient_id in sorted(patients)]
        )
    else:
        AuditEvent.objects.create(**base)


# --- Which changes belong to a clinic -------------------------------------------------------------
# A change (auditlog LogEntry) is shown to a clinic's staff when it was made by a member of the
# clinic, or when the changed object belongs to the clinic today: the clinic itself, its members,
# its invitations and private exercises, and every record of one of its patients (the path to
# the patient is found from the model's foreign keys). Changes by the system (no actor) to
# objects deleted since are not attributed to any clinic.

_PATIENT_FIELDS = ("patient", "user")


def _patient_path(model: type[models.Model], depth: int = 0) -> str | None:
    if model is User:
        return "pk"
    relations = [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None
    ]
    for f in relations:
        if f.related_model is User and f.name in _PATIENT_FIELDS:
            return f.name
    if depth < 3:
        for f in relations:
            if f.related_model not in (User, Clinic):
                sub = _patient_path(f.related_model, depth + 1)  # type: ignore[arg-type]
                if sub:
                    return f"{f.name}__{sub}"
    return None


def _clinic_path(model: type[models.Model]) -> str | None:
    if model is Clinic:
        return "pk"
    names = {f.name: f for f in model._meta.concrete_fields}
    clinic = names.get("clinic")
    if clinic is not None and clinic.related_model is Clinic:
        return "clinic"
    patient = _patient_path(model)
    return f"{patient}__clinic" if patient and patient != "pk" else None


def _audited_models() -> list[type[models.Model]]:
    from auditlog.registry import auditlog

    return sorted(auditlog.get_models(), key=lambda m: m._meta.label)


def _objects_where(paths: dict[type[models.Model], str], value: int) -> Q:
    content_types = ContentType.objects.get_for_models(*paths)
    condition = Q(pk__in=[])
    for model, path in paths.items():
        owned = model._default_manager.filter(**{path: value}).values("pk")
        condition |= Q(content_type=content_types[model], object_id__in=owned)
    return condition


def changes_of_clinic(clinic_id: int) -> QuerySet[LogEntry]:
    paths = {m: p for m in _audited_models() if (p := _clinic_path(m))}
    return LogEntry.objects.filter(Q(actor__clinic_id=clinic_id) | _objects_where(paths, clinic_id))


def changes_about_patient(patient_id: int) -> Q:
    paths = {m: p for m in _audited_models() if (p := _patient_path(m))}
    return _objects_where(paths, patient_id)


# --- The timeline staff read ----------------------------------------------------------------------

CHANGE = "change"

# The kind filter of the page: a label and the event kinds it selects ("change" selects
# django-auditlog's change records).
KIND_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "read": ("Health data read", (AuditKind.READ,)),
    "export": ("Exports", (AuditKind.EXPORT, AuditKind.AUDIT_EXPORT)),
    CHANGE: ("Changes to records", ()),
    "login": ("Sign-ins and sign-outs", (AuditKind.LOGIN, AuditKind.LOGOUT)),
    "login_failed": ("Failed sign-ins", (AuditKind.LOGIN_FAILED,)),
    "mfa": (
        "Two-factor authentication",
        (
            AuditKind.MFA_ADDED,
            AuditKind.MFA_REMOVED,
            AuditKind.MFA_USED,
            AuditKind.MFA_FAILED,
            AuditKind.RECOVERY_CODES_GENERATED,
            AuditKind.RECOVERY_CODE_USED,
        ),
    ),
    "password": ("Passwords", (AuditKind.PASSWORD_CHANGED, AuditKind.PASSWORD_RESET)),
}


@dataclass(frozen=True)
class TimelineFilters:
    clinic: Clinic
    who: User | None = None
    patient: User | None = None
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_detail(self) -> dict[str, str]:
        return {
            "who": self.who.email if self.who else "",
            "patient": self.patient.email if self.patient else "",
            "kind": self.kind,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }


def _bounds(filters: TimelineFilters) -> tuple[datetime | None, datetime | None]:
    """The date range as instants: whole days in the clinic's time zone."""
    zone = ZoneInfo(filters.clinic.time_zone)
    start = datetime.combine(filters.date_from, time(), zone) if filters.date_from else None
    end = (
        datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
        if filters.date_to
        else None
    )
    return start, end


def timeline(filters: TimelineFilters) -> QuerySet[Any]:
    """(source, at, id) rows of the clinic's events and changes, newest first: "e" rows are
    AuditEvents, "c" rows auditlog LogEntries. Paginate it, then `hydrate()` a page."""
    start, end = _bounds(filters)
    kinds = KIND_FILTERS.get(filters.kind, ("", ()))[1] if filters.kind else None

    events = AuditEvent.objects.filter(clinic_id=filters.clinic.pk)
    if kinds is not None:
        events = events.filter(kind__in=kinds)
    if filters.who is not None:
        events = events.filter(
            Q(actor=filters.who) | Q(kind=AuditKind.LOGIN_FAILED, email__iexact=filters.who.email)
        )
    if filters.patient is not None:
        events = events.filter(patient=filters.patient)
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lt=end)
    rows: QuerySet[Any] = (
        events.annotate(src=Value("e", output_field=CharField()), t=F("at"), ident=F("pk"))
        .values_list("src", "t", "ident")
        .order_by()
    )

    if kinds is None or filters.kind == CHANGE:
        changes = changes_of_clinic(filters.clinic.pk)
        if filters.who is not None:
            changes = changes.filter(actor=filters.who)
        if filters.patient is not None:
            changes = changes.filter(changes_about_patient(filters.patient.pk))
        if start:
            changes = changes.filter(timestamp__gte=start)
        if end:
            changes = changes.filter(timestamp__lt=end)
        change_rows = (
            changes.annotate(
                src=Value("c", output_field=CharField()), t=F("timestamp"), ident=F("pk")
            )
            .values_list("src", "t", "ident")
            .order_by()
        )  # LogEntry's Meta ordering: none in a UNION
        if kinds is not None:  # changes only
            return change_rows.order_by("-t", "-ident")
        rows = rows.union(change_rows, all=True)
    return rows.order_by("-t", "-ident")


@dataclass
class TimelineRow:
    at: datetime
    kind: str
    kind_label: str
    actor: User | None
    actor_label: str
    actor_email: str
    actor_role: str
    patient: User | None = None
    what: str = ""
    detail: str = ""
    ip_address: str = ""
    user_agent: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)


_ACTIONS = {
    LogEntry.Action.CREATE: "Created",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Opened",
}


def _event_row(event: AuditEvent) -> TimelineRow:
    actor_label = event.actor.full_name if event.actor else ""
    if event.kind == AuditKind.LOGIN_FAILED:
        what = f"Sign-in tried as {event.email}"
    elif event.route:
        what = f"{event.method} {event.path}" + (f"?{event.query}" if event.query else "")
    else:
        what = ""
    return TimelineRow(
        at=event.at,
        kind=event.kind,
        kind_label=event.get_kind_display(),
        actor=event.actor,
        actor_label=actor_label or event.email or "—",
        actor_email=event.email,
        actor_role=event.actor_role,
        patient=event.patient,
        what=what,
        detail=json.dumps(event.detail, sort_keys=True) if event.detail else "",
        ip_address=event.ip_address or "",
        user_agent=event.user_agent,
    )


def _change_row(entry: LogEntry) -> TimelineRow:
    changes: list[tuple[str, str, str]] = []
    for name, values in (entry.changes_dict or {}).items():
        if isinstance(values, list | tuple) and len(values) == 2:
            changes.append((name, str(values[0]), str(values[1])))
        else:
            changes.append((name, "", json.dumps(values, sort_keys=True)))
    model = entry.content_type.model_class() if entry.content_type_id else None
    thing = model._meta.verbose_name if model else "record"
    return TimelineRow(
        at=entry.timestamp,
        kind=CHANGE,
        kind_label=f"{_ACTIONS.get(entry.action, 'Changed')} {thing}",
        actor=entry.actor,
        actor_label=(entry.actor.full_name if entry.actor else "") or entry.actor_email or "System",
        actor_email=(entry.actor.email if entry.actor else "") or entry.actor_email or "",
        actor_role=entry.actor.role if entry.actor else "",
        what=f"{thing.capitalize()} “{entry.object_repr}”",
        detail="; ".join(f"{name}: {old} → {new}" for name, old, new in changes),
        ip_address=entry.remote_addr or "",
        changes=changes,
    )


def hydrate(rows: Iterable[tuple[str, datetime, int]]) -> list[TimelineRow]:
    """The rows of one page, in order, with their people joined in (two queries)."""
    rows = list(rows)
    event_ids = [ident for src, _, ident in rows if src == "e"]
    change_ids = [ident for src, _, ident in rows if src == "c"]
    events = AuditEvent.objects.select_related("actor", "patient").in_bulk(event_ids)
    changes = LogEntry.objects.select_related("actor", "content_type").in_bulk(change_ids)
    result = []
    for src, _, ident in rows:
        if src == "e" and ident in events:
            result.append(_event_row(events[ident]))
        elif src == "c" and ident in changes:
            result.append(_change_row(changes[ident]))
    return result


# --- CSV export -----------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").

CSV_HEADER = [
    "at_utc",
    "kind",
    "event",
    "who",
    "who_email",
    "who_role",
    "patient",
    "patient_email",
    "what",
    "detail",
    "ip_address",
    "user_agent",
]


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_lines(filters: TimelineFilters, chunk: int = 500) -> Iterator[str]:
    """The filtered timeline as CSV lines (header first), in chunks of `chunk` rows."""
    yield "\ufeff" + _csv_line(CSV_HEADER)
    keys = list(timeline(filters))
    for offset in range(0, len(keys), chunk):
        for row in hydrate(keys[offset : offset + chunk]):
            yield _csv_line(
                [
                    row.at.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds"),
                    row.kind,
                    row.kind_label,
                    row.actor_label,
                    row.actor_email,
                    row.actor_role,
                    row.patient.full_name if row.patient else "",
                    row.patient.email if row.patient else "",
                    row.what,
                    row.detail,
                    row.ip_address,
                    row.user_agent,
                ]
            )
