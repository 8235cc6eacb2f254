"""A demo clinic with one user of each role, so every page has something to show.

Idempotent: running it again updates the same rows (and resets the demo passwords).
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import CaseloadAssignment, Clinic, PatientProfile, Role, User
from rehab.alerts.services import evaluate_session
from rehab.outcomes import services as outcomes
from rehab.outcomes.models import (
    WORKSTATION_ITEMS,
    Measure,
    OutcomeRecord,
    PostureBreak,
    WorkstationCheck,
)
from rehab.programs import selectors, services
from rehab.programs.models import Program, ProgramItem, Protocol, SessionLog
from rehab.reminders import services as reminders

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 - documented demo credential, printed by make run

PEOPLE = [
    ("staff@example.com", "Sam Staff", Role.STAFF),
    ("therapist@example.com", "Tara Therapist", Role.THERAPIST),
    ("therapist2@example.com", "Theo Okafor", Role.THERAPIST),
    ("patient@example.com", "Pat Patient", Role.PATIENT),
    ("patient2@example.com", "Priya Shah", Role.PATIENT),
    ("patient3@example.com", "Marco Rossi", Role.PATIENT),
]


class Command(BaseCommand):
    help = "Create or refresh the demo clinic (staff@, therapist@, patient@example.com)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        call_command("sync_exercise_library", stdout=self.stdout)
        clinic, _ = Clinic.objects.update_or_create(
            slug="demo-clinic",
            defaults={"name": "Harbourside Physiotherapy (demo)", "time_zone": "Europe/London"},
        )
        users = {}
        for email, name, role in PEOPLE:
            user, _ = User.objects.update_or_create(
                email=email,
                defaults={"full_name": name, "role": role, "clinic": clinic, "is_active": True},
            )
            # The demo password is set on every run; User.set_password hashes it.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            users[email] = user
            if role == Role.PATIENT:
                PatientProfile.objects.update_or_create(
                    user=user,
                    defaults={
                        "time_zone": "Europe/London",
                        "reminder_times": ["08:00", "18:30"],
                    },
                )
        PatientProfile.objects.filter(user=users["patient@example.com"]).update(
            condition_notes=(
                "Desk worker, 6 months of neck pain with forward head posture. "
                "Weak deep neck flexors on craniocervical flexion test (held 22 mmHg). "
                "Goal: work a full day without headache."
            )
        )
        therapist = users["therapist@example.com"]
        for email in ("patient@example.com", "patient2@example.com"):
            CaseloadAssignment.objects.get_or_create(
                patient=users[email],
                therapist=therapist,
                defaults={"assigned_by": users["staff@example.com"]},
            )
        CaseloadAssignment.objects.get_or_create(
            patient=users["patient3@example.com"],
            therapist=users["therapist2@example.com"],
            defaults={"assigned_by": users["staff@example.com"]},
        )
        call_command("sync_protocols", stdout=self.stdout)
        self._demo_program(patient=users["patient@example.com"], therapist=therapist)
        self._demo_outcomes(patient=users["patient@example.com"], therapist=therapist)
        self._demo_quiet_patient(patient=users["patient2@example.com"], therapist=therapist)
        # Reminders follow the program's times (in the demo patient's time zone).
        reminders.reschedule(users["patient@example.com"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo clinic ready: {clinic.name}. Password for every demo login: {DEMO_PASSWORD}"
            )
        )

    def _demo_program(self, *, patient: User, therapist: User) -> None:
        """Three weeks into the deep neck flexor protocol, with about half the doses logged."""
        if Program.objects.filter(patient=patient).exists():
            return
        protocol = Protocol.objects.get(clinic=None, slug="deep-neck-flexor-progression")
        today = services.patient_today(patient)
        start = today - timedelta(days=20)
        program = services.program_create(
            therapist=therapist,
            patient=patient,
            title=protocol.name,
            start_date=start,
            items=services.protocol_item_specs(protocol),
            notes_for_patient=protocol.notes_for_patient,
        )
        for offset in range(20):
            day = start + timedelta(days=offset)
            if offset % 4 == 3:
                continue  # a missed day now and then, as in real life
            items = list(selectors.items_due(patient=patient, on=day))
            for hour in (8, 18) if offset % 2 == 0 else (18,):
                self._demo_session(program, items, day, offset, hour)
        # A flare-up in the last session, so the therapist has an alert to look at.
        last = SessionLog.objects.filter(patient=patient).order_by("-performed_on", "-pk").first()
        if last is not None:
            last.pain_after = 7
            last.note = "Sore after a long day at the laptop."
            last.save(update_fields=["pain_after", "note"])
            evaluate_session(last)

    def _demo_session(
        self, program: Program, items: list[ProgramItem], day: date, offset: int, hour: int
    ) -> None:
        """One logged session with every due item done (half the reps every third day)."""
        session = SessionLog.objects.create(
            patient=program.patient,
            program=program,
            version=program.versions.get(),
            performed_on=day,
            logged_at=timezone.make_aware(datetime.combine(day, time(hour, 0))),
            pain_before=max(1, 6 - offset // 5),
            pain_after=max(0, 5 - offset // 5),
            difficulty=3,
        )
        services.store_entries(
            session=session,
            items=items,
            entries=[
                services.EntrySpec(
                    item_id=item.pk,
                    sets_done=item.sets,
                    reps_done=item.reps if offset % 3 else max(1, item.reps // 2),
                    hold_seconds_done=item.hold_seconds,
                )
                for item in items
            ],
        )

    def _demo_outcomes(self, *, patient: User, therapist: User) -> None:
        """Three weeks of measures: NDI and PSFS improving, endurance up, a forward head that is
        getting better, workstation fixes, posture breaks, and a PSFS due today."""
        if OutcomeRecord.objects.filter(patient=patient).exists():
            return
        today = services.patient_today(patient)
        start = today - timedelta(days=20)

        def record(by: User, measure: str, days_ago: int, inputs: dict[str, Any]) -> None:
            outcomes.outcome_record(
                patient=patient,
                by=by,
                measure=measure,
                recorded_on=today - timedelta(days=days_ago),
                inputs=inputs,
            )

        record(patient, Measure.NDI, 20, {"items": [3, 1, 2, 3, 3, 2, 2, 1, 2, 2]})
        record(patient, Measure.NDI, 6, {"items": [2, 0, 1, 2, 2, 1, 1, 1, 1, 1]})
        activities = ["Working at my laptop for 2 hours", "Reversing the car", "Reading in bed"]
        record(
            patient,
            Measure.PSFS,
            20,
            {
                "activities": [
                    {"name": n, "rating": r} for n, r in zip(activities, [3, 4, 5], strict=True)
                ]
            },
        )
        for days_ago, value in ((20, 6), (13, 5), (6, 4), (1, 3)):
            record(patient, Measure.PAIN, days_ago, {"value": value})
        record(therapist, Measure.DNF, 20, {"seconds": 12})
        record(therapist, Measure.DNF, 6, {"seconds": 21})
        record(therapist, Measure.CCFT, 20, {"highest_stage_held": 22})
        record(therapist, Measure.CCFT, 6, {"highest_stage_held": 24})
        record(
            therapist,
            Measure.CROM,
            20,
            {
                "degrees": {
                    "flexion": 45,
                    "extension": 50,
                    "left_rotation": 60,
                    "right_rotation": 70,
                    "left_lateral_flexion": 35,
                    "right_lateral_flexion": 38,
                }
            },
        )
        # Marked side photos (points in image pixels): about 44 degrees, then 48.
        record(
            therapist, Measure.CVA, 20, {"side": "right", "tragus": [560, 300], "c7": [400, 455]}
        )
        record(therapist, Measure.CVA, 6, {"side": "right", "tragus": [540, 290], "c7": [400, 446]})
        outcomes.questionnaire_set(
            patient=patient, by=therapist, measure=Measure.NDI, every_days=14, starts_on=start
        )
        outcomes.questionnaire_set(
            patient=patient, by=therapist, measure=Measure.PSFS, every_days=14, starts_on=start
        )
        keys = [key for key, _ in WORKSTATION_ITEMS]
        clinic = patient.clinic
        assert clinic is not None
        for days_ago, yes in ((18, {"chair", "breaks"}), (4, set(keys) - {"pillow"})):
            WorkstationCheck.objects.create(
                clinic=clinic,
                patient=patient,
                checked_on=today - timedelta(days=days_ago),
                entered_by=patient,
                answers={key: key in yes for key in keys},
                score=len(yes),
            )
        PostureBreak.objects.bulk_create(
            PostureBreak(patient=patient, done_on=today - timedelta(days=d))
            for d in range(14)
            for _ in range(1 + d % 3)
        )

    def _demo_quiet_patient(self, *, patient: User, therapist: User) -> None:
        """A second patient who has gone quiet: a simple program, two sessions in ten days."""
        if Program.objects.filter(patient=patient).exists():
            return
        protocol = Protocol.objects.get(clinic=None, slug="deep-neck-flexor-progression")
        today = services.patient_today(patient)
        program = services.program_create(
            therapist=therapist,
            patient=patient,
            title="Neck and shoulder basics",
            start_date=today - timedelta(days=10),
            items=services.protocol_item_specs(protocol)[:3],
        )
        for offset in (0, 1):
            day = program.start_date + timedelta(days=offset)
            items = list(selectors.items_due(patient=patient, on=day))
            self._demo_session(program, items, day, offset, 18)
