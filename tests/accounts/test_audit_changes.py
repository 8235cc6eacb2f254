"""Changes of clinical records and accounts are recorded by django-auditlog, with who made them."""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

AUDITED = [
    "accounts.User",
    "accounts.Clinic",
    "accounts.PatientProfile",
    "accounts.CaseloadAssignment",
    "accounts.Invitation",
    "programs.Program",
    "programs.ProgramVersion",
    "programs.ProgramItem",
    "programs.ProgramPause",
    "programs.SessionLog",
    "programs.ExerciseLog",
    "outcomes.OutcomeRecord",
    "outcomes.QuestionnaireSchedule",
    "outcomes.PosturePhoto",
    "outcomes.WorkstationCheck",
    "alerts.Alert",
    "alerts.RedFlagCheckin",
]


def test_clinical_records_and_accounts_are_audited():
    missing = [label for label in AUDITED if not auditlog.contains(apps.get_model(label))]
    assert missing == []


def test_secrets_and_noise_are_left_out_of_account_changes(world):
    world.alice.set_password("another-long-passphrase")
    world.alice.full_name = "Alice Renamed"
    world.alice.save()
    entry = LogEntry.objects.get_for_object(world.alice).latest("pk")
    assert set(entry.changes_dict) == {"full_name"}


def test_a_change_through_the_app_records_its_actor(client, world, alice_program):
    program = alice_program()
    client.force_login(world.carol)
    assert client.post(f"/programs/{program.public_id}/pause/").status_code == 302
    entry = LogEntry.objects.get_for_object(program.pauses.get()).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == world.carol
    status = LogEntry.objects.get_for_object(program).latest("pk")
    assert status.changes_dict["status"] == ["active", "paused"]
    assert status.actor == world.carol


def test_ending_a_program_records_the_program_and_its_items(client, world, alice_program):
    program = alice_program()
    client.force_login(world.carol)
    on = program.start_date.isoformat()
    assert client.post(f"/programs/{program.public_id}/end/", {"on": on}).status_code == 302
    change = LogEntry.objects.get_for_object(program).latest("pk").changes_dict
    assert change["status"] == ["active", "ended"] and "end_date" in change
    item = program.versions.get().items.get()
    assert "active_to" in LogEntry.objects.get_for_object(item).latest("pk").changes_dict


def test_account_state_changes_are_recorded_with_the_staff_member(client, world):
    client.force_login(world.frank)
    client.post(f"/staff/people/{world.bob.public_id}/deactivate/")
    client.post(f"/staff/people/{world.bob.public_id}/reactivate/")
    entries = list(LogEntry.objects.get_for_object(world.bob).order_by("pk"))
    changes = [e.changes_dict.get("is_active") for e in entries[-2:]]
    assert changes == [["True", "False"], ["False", "True"]]
    assert {e.actor for e in entries[-2:]} == {world.frank}


def test_revoking_an_invitation_is_recorded(client, world):
    from accounts import services

    invitation = services.invitation_create(
        clinic=world.clinic_a,
        invited_by=world.frank,
        email="new@example.org",
        full_name="New Person",
        role="patient",
    )
    client.force_login(world.frank)
    client.post(f"/staff/invitations/{invitation.public_id}/revoke/")
    entry = LogEntry.objects.get_for_object(invitation).latest("pk")
    assert "revoked_at" in entry.changes_dict and entry.actor == world.frank
