"""Alert rules, the red-flag check-in, and acknowledging alerts.

Rules run inside the transaction that saved what they look at (a session log, a check-in), and
daily for the rules about time passing. Raising an alert writes the notifications and their
outbox rows in that same transaction; nothing here talks to the broker.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from rehab.ops import prepared
from rehab.programs.models import Program, SessionLog, Status
from rehab.programs.selectors import items_due
from rehab.reminders.models import Channel
from rehab.reminders.services import notify

from .models import (
    RED_FLAG_CLINICAL,
    RED_FLAG_LABELS,
    RED_FLAG_QUESTIONS,
    Alert,
    RedFlagCheckin,
    Rule,
)

PAIN_HIGH = 7
PAIN_RISE = 2
BASELINE_SESSIONS = 3
CHECKIN_EVERY = timedelta(days=7)
ALERT_KIND = "alert"
ADVICE_KIND = "red_flag_advice"


def care_team(patient: User) -> list[User]:
    if patient.clinic_id is None:
        return []
    return list(
        User.objects.filter(
            role=Role.THERAPIST,
            is_active=True,
            clinic_id=patient.clinic_id,
            caseload_links__patient=patient,
        ).order_by("pk")
    )


def raise_alert(
    *,
    patient: User,
    rule: str,
    key: str,
    reason: str,
    data: Mapping[str, object],
    session: SessionLog | None = None,
    checkin: RedFlagCheckin | None = None,
) -> Alert | None:
    """Raise the alert named by `key` unless it was raised before, and tell the care team once
    (in the app and by email). Returns None when it already existed."""
    assert patient.clinic_id is not None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                rule=rule,
                key=key,
                reason=reason[:300],
                data=dict(data),
                session=session,
                checkin=checkin,
            )
    except IntegrityError:
        return None
    label = Rule(rule).label
    for therapist in care_team(patient):
        notify(
            recipient=therapist,
            kind=ALERT_KIND,
            # The subject of an email: no names or health details in it.
            title=f"{'Urgent' if rule == Rule.RED_FLAG else 'New'} alert: {label.lower()}",
            body=f"{patient.full_name}: {reason}",
            url=f"/alerts/{alert.public_id}/",
            channels=[Channel.IN_APP, Channel.EMAIL],
        )
    return alert


# --- Rules on a saved session ------------------------------------------------------------------


def pain_baseline(patient: User) -> tuple[float, list[int]] | None:
    """The mean pain before exercise over the patient's first three sessions that recorded it,
    with those sessions' ids; None until there are three."""
    # In SQL, prepared (rehab/ops/prepared.py): every session log with a pain rating asks, and
    # building it through the ORM cost more than running it.
    table = connection.ops.quote_name(SessionLog._meta.db_table)
    first = prepared.fetchall(
        f"SELECT id, pain_before FROM {table} "  # noqa: S608 - the table name is the model's
        "WHERE patient_id = %s AND pain_before IS NOT NULL "
        "ORDER BY performed_on, logged_at, id LIMIT %s",
        [patient.pk, BASELINE_SESSIONS],
    )
    return _baseline([(pk, pain) for pk, pain in first])


def _baseline(first: list[tuple[int, int | None]]) -> tuple[float, list[int]] | None:
    pains = [pain for _, pain in first if pain is not None]
    if len(pains) < BASELINE_SESSIONS:
        return None
    return mean(pains), [pk for pk, _ in first]


# The baseline's order: the first sessions by local date, then by when they were logged.
BaselineRow = tuple[int, int, date, datetime]  # id, pain_before, performed_on, logged_at


def pain_alerts_due(session: SessionLog, first: list[BaselineRow]) -> bool:
    """Whether `evaluate_session` would raise an alert for `session`, not saved yet but with its
    id, given the patient's first sessions with a pain rating before it (at most three, as
    `pain_baseline` reads them). For a session stored without going through the ORM
    (rehab/programs/session_insert.py), which leaves any session that raises one to the ORM."""
    rows = list(first)
    if session.pain_before is not None:
        rows.append((session.pk, session.pain_before, session.performed_on, session.logged_at))
    rows.sort(key=lambda row: (row[2], row[3], row[0]))
    baseline = _baseline([(pk, pain) for pk, pain, _, _ in rows[:BASELINE_SESSIONS]])
    return bool(_pain_rules(session, baseline))


def evaluate_session(session: SessionLog) -> list[Alert]:
    """Pain rules for a session just logged or changed. Call in the transaction that saved it."""
    if session.pain_before is None and session.pain_after is None:
        return []
    raised = [
        raise_alert(patient=session.patient, session=session, **alert)
        for alert in _pain_rules(session, pain_baseline(session.patient))
    ]
    return [alert for alert in raised if alert is not None]


def _pain_rules(
    session: SessionLog, baseline: tuple[float, list[int]] | None
) -> list[dict[str, Any]]:
    """The alerts (rule, key, reason, data) the pain rules raise for `session`, given the
    patient's pain baseline."""
    pains = [pain for pain in (session.pain_before, session.pain_after) if pain is not None]
    if not pains:
        return []
    worst = max(pains)
    day = session.performed_on
    data: dict[str, object] = {
        "session": str(session.public_id),
        "performed_on": day.isoformat(),
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
    }
    alerts: list[dict[str, Any]] = []
    if worst >= PAIN_HIGH:
        alerts.append(
            {
                "rule": Rule.PAIN_HIGH,
                "key": f"pain_high:session:{session.pk}",
                "reason": f"Pain {worst}/10 logged for {day:%a %d %b %Y}.",
                "data": {**data, "threshold": PAIN_HIGH},
            }
        )
    if baseline is not None and session.pk not in baseline[1]:
        value, _ = baseline
        if worst - value >= PAIN_RISE:
            alerts.append(
                {
                    "rule": Rule.PAIN_RISE,
                    "key": f"pain_rise:session:{session.pk}",
                    "reason": (
                        f"Pain {worst}/10 for {day:%a %d %b %Y}, up {worst - value:.1f} from "
                        f"a baseline of {value:.1f} (first {BASELINE_SESSIONS} sessions)."
                    ),
                    "data": {**data, "baseline": round(value, 2), "rise": round(worst - value, 2)},
                }
            )
    return alerts


# --- Daily rule: no session for N days ----------------------------------------------------------


def _local_today(patient: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(patient.patient_profile.time_zone)).date()


def evaluate_no_session(patient: User, now: datetime) -> Alert | None:
    """Alert when a patient with something prescribed today logged nothing for the clinic's
    number of days. Once per gap: the key is the day the gap started."""
    today = _local_today(patient, now)
    if not items_due(patient=patient, on=today).exists():
        return None  # no program, paused, ended, or a rest day
    last = SessionLog.objects.filter(patient=patient).aggregate(last=Max("performed_on"))["last"]
    started = (
        Program.objects.filter(patient=patient, status=Status.ACTIVE)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    anchor = last if last is not None else (started - timedelta(days=1) if started else None)
    if anchor is None:
        return None
    missed = (today - anchor).days - 1  # whole days since, not counting today
    if patient.clinic is None:
        return None
    days = patient.clinic.no_session_alert_days
    if missed < days:
        return None
    reason = f"No session logged for {missed} days (clinic setting: {days}); " + (
        f"the last was on {last:%a %d %b %Y}." if last else "none logged since the program began."
    )
    return raise_alert(
        patient=patient,
        rule=Rule.NO_SESSION,
        key=f"no_session:{patient.pk}:{anchor.isoformat()}",
        reason=reason,
        data={
            "last_session_on": last.isoformat() if last else None,
            "days_without": missed,
            "clinic_setting_days": days,
        },
    )


def evaluate_daily(now: datetime | None = None) -> int:
    """The rules about time passing, for every active patient. Safe to run again."""
    now = now or timezone.now()
    raised = 0
    patients = (
        User.objects.filter(role=Role.PATIENT, is_active=True, programs__status=Status.ACTIVE)
        .select_related("patient_profile", "clinic")
        .distinct()
    )
    for patient in patients.iterator(chunk_size=500):
        with transaction.atomic():
            if evaluate_no_session(patient, now) is not None:
                raised += 1
    return raised


# --- The weekly red-flag check-in ---------------------------------------------------------------


def checkin_due(patient: User, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return not RedFlagCheckin.objects.filter(
        patient=patient, answered_at__gt=now - CHECKIN_EVERY
    ).exists()


ADVICE_TITLE = "Please contact your clinician today"
ADVICE = (
    "You told us about a symptom that needs a clinician's check. Stop your neck exercises for now "
    "and contact your clinician today. Your therapist has been told. If you have a sudden severe "
    "headache, new weakness, trouble walking or speaking, loss of bladder or bowel control, or "
    "you feel faint, call your local emergency number or go to the emergency department now."
)


@transaction.atomic
def checkin_submit(*, patient: User, answers: Mapping[str, bool], note: str = "") -> RedFlagCheckin:
    """Store the patient's answers; a yes alerts the care team at once and shows the patient
    what to do."""
    errors = {
        key: "Please answer yes or no." for key, _ in RED_FLAG_QUESTIONS if key not in answers
    }
    errors.update({key: "Not a question we ask." for key in answers if key not in RED_FLAG_LABELS})
    if len(note) > 1000:
        errors["note"] = "At most 1000 characters."
    if errors:
        raise ValidationError(errors)
    clean = {key: bool(answers[key]) for key, _ in RED_FLAG_QUESTIONS}
    checkin = RedFlagCheckin.objects.create(
        patient=patient, answers=clean, positive=any(clean.values()), note=note.strip()
    )
    if checkin.positive:
        flagged = checkin.flagged
        raise_alert(
            patient=patient,
            rule=Rule.RED_FLAG,
            key=f"red_flag:checkin:{checkin.pk}",
            reason="Red flag reported: "
            + "; ".join(RED_FLAG_CLINICAL[key] for key, yes in clean.items() if yes)
            + ".",
            data={"answers": flagged, "note": checkin.note},
            checkin=checkin,
        )
        notify(
            recipient=patient,
            kind=ADVICE_KIND,
            title=ADVICE_TITLE,
            body=ADVICE,
            url=f"/checkin/{checkin.public_id}/",
            channels=[Channel.IN_APP],
        )
    return checkin


# --- Acknowledging -----------------------------------------------------------------------------


@transaction.atomic
def acknowledge(*, alert: Alert, by: User, note: str) -> Alert:
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what you did or decided, for the record."})
    if len(note) > 2000:
        raise ValidationError({"note": "At most 2000 characters."})
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is not None:
        raise ValidationError({"note": "This alert was already acknowledged."})
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = by
    locked.acknowledgement_note = note
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return locked
