"""Seed the load test's patients, and count what the load stored. Run by bench/load/run.py in
the environment of the server it starts (same database, production settings):

    python bench/load/data.py seed --patients 16 --out users.json
    python bench/load/data.py count

`seed` creates one clinic, one therapist and `patients` patients, each on the therapist's
caseload with the deep neck flexor protocol started two weeks ago, and writes their logins as
JSON. `count` prints, as JSON, the rows the load wrote: session logs, their exercise entries,
alerts, and outbox rows (published or not).
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehab.settings")

PASSWORD = "load-test-pass-1234"  # noqa: S105 - a throwaway database's accounts
PROTOCOL = "deep-neck-flexor-progression"


def seed(patients: int, out: Path) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import CaseloadAssignment, Clinic, PatientProfile, Role, User
    from rehab.programs import services
    from rehab.programs.models import Protocol

    call_command("sync_exercise_library", verbosity=0)
    call_command("sync_protocols", verbosity=0)
    # One hash for every account: hashing is slow on purpose and the accounts are throwaway.
    password = make_password(PASSWORD)
    with transaction.atomic():
        clinic = Clinic.objects.create(
            name="Load test clinic", slug="load-test", time_zone="Europe/London"
        )
        therapist = User.objects.create(
            email="therapist@load.test",
            full_name="Load Therapist",
            role=Role.THERAPIST,
            clinic=clinic,
            password=password,
        )
        protocol = Protocol.objects.get(clinic=None, slug=PROTOCOL)
        logins = []
        for number in range(1, patients + 1):
            patient = User.objects.create(
                email=f"patient{number}@load.test",
                full_name=f"Load Patient {number}",
                role=Role.PATIENT,
                clinic=clinic,
                password=password,
            )
            PatientProfile.objects.create(user=patient, time_zone="Europe/London")
            CaseloadAssignment.objects.create(patient=patient, therapist=therapist)
            services.program_create(
                therapist=therapist,
                patient=patient,
                title=protocol.name,
                start_date=services.patient_today(patient) - timedelta(days=14),
                items=services.protocol_item_specs(protocol),
            )
            logins.append({"email": patient.email, "password": PASSWORD})
    out.write_text(json.dumps(logins))


def count() -> None:
    from rehab.alerts.models import Alert
    from rehab.programs.models import ExerciseLog, SessionLog
    from rehab.reminders.models import Outbox

    print(
        json.dumps(
            {
                "sessions": SessionLog.objects.count(),
                "sessions_with_key": SessionLog.objects.exclude(idempotency_key=None).count(),
                "distinct_keys": SessionLog.objects.exclude(idempotency_key=None)
                .values("idempotency_key")
                .distinct()
                .count(),
                "entries": ExerciseLog.objects.count(),
                "alerts": Alert.objects.count(),
                "outbox": Outbox.objects.count(),
                "outbox_published": Outbox.objects.exclude(published_at=None).count(),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--patients", type=int, default=16)
    seeding.add_argument("--out", type=Path, required=True)
    commands.add_parser("count")
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "seed":
        seed(args.patients, args.out)
    else:
        count()


if __name__ == "__main__":
    main()
