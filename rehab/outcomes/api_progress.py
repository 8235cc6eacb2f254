"""REST API for progress: the same figures as the progress page, as JSON.

GET /api/v1/progress/ is the signed-in patient's own (other roles 403); GET
/api/v1/patients/<id>/progress/ is for anyone who may see that patient (their therapist, clinic
staff, the patient themself), else 404. Same conventions as rehab/programs/api/common.py.
"""

from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_patient_or_404
from accounts.models import Role
from rehab.programs.api.common import FORBIDDEN, _not_found, _require_role, _user

from .models import Measure
from .progress import (
    STREAK_IDLE_DAYS,
    STREAK_WINDOW_DAYS,
    WEEKS,
    Point,
    Progress,
    Week,
    progress_for,
)

_CHANGES = ["better", "worse", "no clear change", ""]


class ProgressPatientSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The patient's id.")
    name = serializers.CharField(source="full_name", help_text="Their full name.")


class ProgressWeekSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The Monday the week starts on.")
    expected = serializers.FloatField(help_text="Doses due that week, up to today.")
    completed = serializers.FloatField(
        help_text="Doses done (partial doses count partly, each item capped at its dose)."
    )
    percent = serializers.IntegerField(
        allow_null=True, help_text="completed / expected as a whole percent; null if none due."
    )


class ProgressStreakSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        help_text=(
            "Consecutive days, up to today or yesterday, on which every prescribed dose was done. "
            "Days with nothing prescribed are skipped (they neither break nor add to it); "
            f"{STREAK_IDLE_DAYS} such days in a row end it. Counted over at most "
            f"{STREAK_WINDOW_DAYS} days."
        )
    )
    since = serializers.DateField(allow_null=True, help_text="The streak's first day.")
    through = serializers.DateField(allow_null=True, help_text="Its latest day.")


class ProgressAdherenceSerializer(serializers.Serializer):
    this_week = ProgressWeekSerializer(help_text="The current week (Monday to today).")
    weeks = ProgressWeekSerializer(many=True, help_text=f"The last {WEEKS} weeks, oldest first.")
    streak = ProgressStreakSerializer()


class ProgressPainDaySerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The patient's local date.")
    before = serializers.FloatField(
        allow_null=True, help_text="Mean pain (0-10) before the day's sessions; null if unrated."
    )
    after = serializers.FloatField(allow_null=True, help_text="Mean pain after them.")
    sessions = serializers.IntegerField(help_text="Sessions with a pain rating that day.")


class ProgressPointSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The date the measurement is about.")
    value = serializers.FloatField(help_text="The value (the day's mean if several).")
    records = serializers.IntegerField(help_text="How many records that day.")
    change = serializers.ChoiceField(
        choices=_CHANGES,
        help_text=(
            "Compared with the first point: better or worse by at least the meaningful change, "
            'or "no clear change"; "" for the first point and measures without a threshold.'
        ),
    )


class ProgressTrendSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=Measure.choices)
    # DRF's metaclass moves declared fields off the class, so this does not shadow `.label`.
    label = serializers.CharField()  # type: ignore[assignment]
    meaningful_change = serializers.FloatField(
        allow_null=True,
        help_text="The smallest meaningful change on the value's scale (NDI: 10 percent).",
    )
    points = ProgressPointSerializer(many=True, help_text="Oldest first.")
    summary = serializers.CharField(help_text="The change since the first record, in words.")


class ProgressCvaSerializer(serializers.Serializer):
    reference_degrees = serializers.IntegerField(
        source="cva_reference", help_text="The forward-head reference line (degrees)."
    )
    left = ProgressPointSerializer(source="cva_left", many=True, help_text="Left-side photos.")
    right = ProgressPointSerializer(source="cva_right", many=True, help_text="Right-side photos.")
    summary = serializers.CharField(source="cva_summary")


class ProgressWorkstationSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.FloatField(help_text="Yes answers (the day's mean if filled in twice).")
    out_of = serializers.IntegerField()


class ProgressBreakWeekSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The Monday the week starts on.")
    posture_breaks = serializers.IntegerField()
    ergonomic_tasks = serializers.IntegerField(
        help_text="Logged (not skipped) exercises of the ergonomic category."
    )


class ProgressPostureSerializer(serializers.Serializer):
    weeks = ProgressBreakWeekSerializer(
        source="breaks", many=True, help_text=f"The last {WEEKS} weeks."
    )
    posture_breaks_total = serializers.IntegerField()
    ergonomic_tasks_total = serializers.IntegerField()


class ProgressDueSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(
        choices=Measure.choices, help_text="A questionnaire: ndi, pain or psfs."
    )
    label = serializers.CharField()  # type: ignore[assignment]
    last_on = serializers.DateField(allow_null=True, help_text="When it was last filled in.")


class ProgressUpcomingSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(
        choices=Measure.choices, help_text="A questionnaire: ndi, pain or psfs."
    )
    label = serializers.CharField()  # type: ignore[assignment]
    next_on = serializers.DateField(help_text="When it is next due.")
    every_days = serializers.IntegerField()


class ProgressProgramEndSerializer(serializers.Serializer):
    title = serializers.CharField()
    status = serializers.CharField()
    end_date = serializers.DateField(allow_null=True, help_text="Null when open-ended.")


class ProgressNextSerializer(serializers.Serializer):
    questionnaires_due = ProgressDueSerializer(many=True, help_text="Due today or overdue.")
    questionnaires_upcoming = ProgressUpcomingSerializer(many=True, help_text="Soonest first.")
    today_expected = serializers.FloatField(help_text="Doses due today.")
    today_completed = serializers.FloatField(help_text="Doses done today.")
    next_program_day = serializers.DateField(
        allow_null=True, help_text="The next day after today with exercises; null if none soon."
    )
    programs = ProgressProgramEndSerializer(many=True, help_text="Active and paused programs.")


class ProgressSerializer(serializers.Serializer):
    patient = ProgressPatientSerializer()
    today = serializers.DateField(help_text="The patient's local date.")
    adherence = serializers.SerializerMethodField()
    pain = ProgressPainDaySerializer(
        many=True, help_text=f"Per day with ratings, last {WEEKS} weeks."
    )
    outcomes = ProgressTrendSerializer(
        source="trends", many=True, help_text="NDI, pain, PSFS, DNF, CCFT, all records."
    )
    cva = serializers.SerializerMethodField()
    workstation = ProgressWorkstationSerializer(many=True, help_text="Per day, oldest first.")
    posture = serializers.SerializerMethodField()
    next = ProgressNextSerializer()

    @extend_schema(responses=ProgressAdherenceSerializer)
    def get_adherence(self, progress: Progress) -> dict:
        return dict(
            ProgressAdherenceSerializer(
                {
                    "this_week": progress.this_week,
                    "weeks": progress.weeks,
                    "streak": progress.streak,
                }
            ).data
        )

    @extend_schema(responses=ProgressCvaSerializer)
    def get_cva(self, progress: Progress) -> dict:
        return dict(ProgressCvaSerializer(progress).data)

    @extend_schema(responses=ProgressPostureSerializer)
    def get_posture(self, progress: Progress) -> dict:
        return dict(ProgressPostureSerializer(progress).data)


# --- The JSON -----------------------------------------------------------------------------------
# ProgressSerializer above documents the response (drf-spectacular) and is its reference; the
# views write the same JSON with the functions below, which skip DRF's per-field machinery (a few
# hundred fields per answer, read-only). tests/outcomes/test_progress_api.py holds the two equal.


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _week(week: Week) -> dict[str, Any]:
    return {
        "start": week.start.isoformat(),
        "expected": float(week.expected),
        "completed": float(week.completed),
        "percent": week.percent,
    }


def _points(points: list[Point]) -> list[dict[str, Any]]:
    return [
        {
            "day": p.day.isoformat(),
            "value": float(p.value),
            "records": p.records,
            "change": p.change,
        }
        for p in points
    ]


def progress_json(progress: Progress) -> dict[str, Any]:
    """What ProgressSerializer(progress).data gives, as plain dicts and lists."""
    streak, nxt = progress.streak, progress.next
    return {
        "patient": {
            "id": str(progress.patient.public_id),
            "name": str(progress.patient.full_name),
        },
        "today": progress.today.isoformat(),
        "adherence": {
            "this_week": _week(progress.this_week),
            "weeks": [_week(week) for week in progress.weeks],
            "streak": {
                "days": streak.days,
                "since": _day(streak.since),
                "through": _day(streak.through),
            },
        },
        "pain": [
            {
                "day": day.day.isoformat(),
                "before": _float(day.before),
                "after": _float(day.after),
                "sessions": day.sessions,
            }
            for day in progress.pain
        ],
        "outcomes": [
            {
                "measure": trend.measure,
                "label": str(trend.label),
                "meaningful_change": _float(trend.meaningful_change),
                "points": _points(trend.points),
                "summary": trend.summary,
            }
            for trend in progress.trends
        ],
        "cva": {
            "reference_degrees": progress.cva_reference,
            "left": _points(progress.cva_left),
            "right": _points(progress.cva_right),
            "summary": progress.cva_summary,
        },
        "workstation": [
            {"day": check.day.isoformat(), "score": float(check.score), "out_of": check.out_of}
            for check in progress.workstation
        ],
        "posture": {
            "weeks": [
                {
                    "start": week.start.isoformat(),
                    "posture_breaks": week.posture_breaks,
                    "ergonomic_tasks": week.ergonomic_tasks,
                }
                for week in progress.breaks
            ],
            "posture_breaks_total": progress.posture_breaks_total,
            "ergonomic_tasks_total": progress.ergonomic_tasks_total,
        },
        "next": {
            "questionnaires_due": [
                {"measure": due.measure, "label": str(due.label), "last_on": _day(due.last_on)}
                for due in nxt.questionnaires_due
            ],
            "questionnaires_upcoming": [
                {
                    "measure": up.measure,
                    "label": str(up.label),
                    "next_on": up.next_on.isoformat(),
                    "every_days": up.every_days,
                }
                for up in nxt.questionnaires_upcoming
            ],
            "today_expected": float(nxt.today_expected),
            "today_completed": float(nxt.today_completed),
            "next_program_day": _day(nxt.next_program_day),
            "programs": [
                {"title": str(p.title), "status": str(p.status), "end_date": _day(p.end_date)}
                for p in nxt.programs
            ],
        },
    }


class OwnProgress(APIView):
    @extend_schema(
        summary="My progress (patients)",
        description=(
            "The signed-in patient's adherence (this week, the last weeks, the streak), pain "
            "before/after sessions, outcome trends with meaningful change marked, side-photo "
            "angles per side, the workstation checklist, posture breaks and ergonomic tasks, and "
            "what comes next. Other roles get 403."
        ),
        responses={200: ProgressSerializer, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        patient = _require_role(request, Role.PATIENT, message="This is for patients.")
        return Response(progress_json(progress_for(patient, own=True)))


class PatientProgress(APIView):
    @extend_schema(
        summary="A patient's progress",
        description=(
            "The same figures as /api/v1/progress/ for a patient the caller may see: their "
            "therapist, the clinic's staff, or the patient themself. Anyone else gets 404."
        ),
        responses={200: ProgressSerializer, 403: FORBIDDEN, 404: _not_found("patient")},
    )
    def get(self, request: Request, id: str) -> Response:
        viewer = _user(request)
        patient = get_patient_or_404(viewer, id)
        own = viewer.pk == patient.pk
        return Response(progress_json(progress_for(patient, own=own)))
