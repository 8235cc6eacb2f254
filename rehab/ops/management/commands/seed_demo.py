"""A demo clinic with one user of each role, so every page has something to show.

Idempotent: running it again updates the same rows (and resets the demo passwords).
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import CaseloadAssignment, Clinic, PatientProfile, Role, User

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
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo clinic ready: {clinic.name}. Password for every demo login: {DEMO_PASSWORD}"
            )
        )
