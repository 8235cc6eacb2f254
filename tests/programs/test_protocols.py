from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from rehab.programs import selectors, services
from rehab.programs.models import Protocol, ProtocolItem


def test_four_starter_protocols_are_seeded_and_sync_is_idempotent(protocols):
    assert Protocol.objects.filter(clinic=None).count() == 4
    items = ProtocolItem.objects.count()
    call_command("sync_protocols", stdout=StringIO())
    assert ProtocolItem.objects.count() == items
    assert {"deep-neck-flexor-progression", "desk-worker-posture-reset"} <= set(
        Protocol.objects.values_list("slug", flat=True)
    )


def test_a_program_started_from_a_phased_protocol_changes_items_by_week(world, protocols):
    protocol = Protocol.objects.get(slug="deep-neck-flexor-progression")
    start = services.patient_today(world.alice) - timedelta(weeks=2)
    services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title=protocol.name,
        start_date=start,
        items=services.protocol_item_specs(protocol),
    )
    week1 = {i.exercise.slug for i in selectors.items_due(patient=world.alice, on=start)}
    week3 = {
        i.exercise.slug
        for i in selectors.items_due(patient=world.alice, on=start + timedelta(weeks=2))
    }
    assert week1 and week3 and week1 != week3


def test_a_program_can_be_saved_as_a_clinic_protocol(world, protocols):
    source = Protocol.objects.get(slug="desk-worker-posture-reset")
    program = services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Desk",
        start_date=services.patient_today(world.alice),
        items=services.protocol_item_specs(source),
    )
    saved = services.protocol_save_from_program(
        program=program, by=world.carol, name="Our desk plan"
    )
    assert saved.clinic == world.clinic_a
    assert saved.items.count() == source.items.count()
