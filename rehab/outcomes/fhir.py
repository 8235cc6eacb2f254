"""A patient's record as a FHIR R4 Bundle (type "collection"), built from `PatientRecord`.

What goes in:
- Patient: name, email, birth date. Its id is the patient's `public_id`; no database ids leave.
- CarePlan, one per program: status from the program's (active, on-hold, completed), intent
  "plan", period, and one activity per prescribed exercise of every version, each with its own
  dates (`scheduledTiming.repeat.boundsPeriod`), so a program's version history is kept.
- Observation for pain: outcome ratings and every session's pain before and after, coded LOINC
  72514-3 (0-10 numeric rating), valueInteger.
- Observation for the craniovertebral angle (degrees; the photo side in bodySite), deep neck
  flexor endurance (seconds), craniocervical flexion (mmHg) and range of motion (one
  Observation, one component per direction measured, degrees).
- QuestionnaireResponse for each NDI (one item per section, answers as valueInteger, the raw
  total as item "total"), and an Observation with the NDI percent and band derived from it.
- Observation for PSFS (mean rating, one component per activity).

Codes. Pain has a LOINC code. LOINC has no code that every system agrees on for the NDI,
PSFS, CCFT, DNF endurance, CVA or per-direction neck range of motion, so these use this app's
own code system, `CODE_SYSTEM` (codes are the measure names used everywhere else: "ndi", "psfs",
...), next to a plain-language `text`. Units are UCUM (deg, s, mm[Hg], %, {score}).

Identifiers and references. Every resource has a UUID id: the object's own `public_id` where it
has one, otherwise a UUID derived from it (uuid5), so the same fact keeps its id across exports.
Every entry's fullUrl is "urn:uuid:<id>" and every reference inside the Bundle points at one.
Identifier systems are URLs under SITE_URL/fhir/id/, naming the deployment that issued them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.conf import settings

from rehab.programs.models import Program, ProgramItem, SessionLog, Status

from . import scoring
from .exports import PatientRecord, dosage_text, entered_by_role
from .models import Measure, OutcomeRecord

Resource = dict[str, Any]

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
PAIN_LOINC = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"

# UUID namespace for ids derived from an object's public_id ("<public_id>:before").
_NAMESPACE = uuid.UUID("0d5c4c8e-6a43-4d63-9e52-7a2f3e6b9c11")

CAREPLAN_STATUS = {Status.ACTIVE: "active", Status.PAUSED: "on-hold", Status.ENDED: "completed"}
WEEKDAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def fhir_base() -> str:
    return f"{settings.SITE_URL}/fhir"


def identifier_system(kind: str) -> str:
    """e.g. https://clinic.example/fhir/id/patient for patients' public ids."""
    return f"{fhir_base()}/id/{kind}"


def code_system(name: str) -> str:
    return f"{fhir_base()}/CodeSystem/{name}"


CODE_SYSTEM = "outcome-measure"


def derived_id(source: uuid.UUID, part: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{source}:{part}"))


def urn(resource_id: uuid.UUID | str) -> str:
    return f"urn:uuid:{resource_id}"


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _category(code: str, display: str) -> list[Resource]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


SURVEY = ("survey", "Survey")
EXAM = ("exam", "Exam")


def _local_code(code: str, display: str) -> Resource:
    return {
        "coding": [{"system": code_system(CODE_SYSTEM), "code": code, "display": display}],
        "text": display,
    }


def _quantity(value: float, unit: str, code: str) -> Resource:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


PAIN_CODE: Resource = {
    "coding": [{"system": LOINC, "code": PAIN_LOINC, "display": PAIN_DISPLAY}],
    "text": "Pain (0 = no pain, 10 = worst imaginable)",
}


# --- Resources ----------------------------------------------------------------------------------


def patient_resource(record: PatientRecord) -> Resource:
    patient = record.patient
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(patient.public_id),
        "identifier": [{"system": identifier_system("patient"), "value": str(patient.public_id)}],
        "active": patient.is_active,
        "name": [{"use": "usual", "text": patient.full_name}],
        "telecom": [{"system": "email", "value": patient.email}],
    }
    if record.profile.date_of_birth:
        resource["birthDate"] = record.profile.date_of_birth.isoformat()
    if patient.clinic is not None:
        resource["managingOrganization"] = {"display": patient.clinic.name}
    return resource


def _activity_status(program: Program, item: ProgramItem, today: date) -> str:
    if item.active_to is not None and item.active_to < today:
        return "completed"
    if item.active_from > today:
        return "scheduled"
    if program.status == Status.PAUSED:
        return "on-hold"
    return "in-progress"


def _period(start: date, end: date | None) -> Resource:
    period = {"start": start.isoformat()}
    if end is not None:
        period["end"] = end.isoformat()
    return period


def careplan_resource(record: PatientRecord, program: Program, today: date) -> Resource:
    activities = []
    for version in program.versions.all():
        for item in version.items.all():
            repeat: Resource = {
                "boundsPeriod": _period(item.active_from, item.active_to),
                "frequency": item.times_per_day,
                "period": 1,
                "periodUnit": "d",
                "dayOfWeek": [
                    code for bit, code in enumerate(WEEKDAY_CODES) if item.days_of_week & (1 << bit)
                ],
            }
            description = f"{dosage_text(item)} (version {version.number})"
            if item.notes:
                description += f". {item.notes}"
            activities.append(
                {
                    "detail": {
                        "code": {"text": item.exercise.name},
                        "status": _activity_status(program, item, today),
                        "description": description,
                        "scheduledTiming": {"repeat": repeat},
                    }
                }
            )
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": str(program.public_id),
        "identifier": [{"system": identifier_system("program"), "value": str(program.public_id)}],
        "status": CAREPLAN_STATUS[Status(program.status)],
        "intent": "plan",
        "title": program.title,
        "subject": {"reference": urn(record.patient.public_id)},
        "period": _period(program.start_date, program.end_date),
        "created": _instant(program.created_at),
        "activity": activities,
    }
    if program.notes_for_patient:
        resource["description"] = program.notes_for_patient
    return resource


def _observation(
    record: PatientRecord,
    *,
    resource_id: str,
    code: Resource,
    category: tuple[str, str],
    effective: date,
    issued: datetime,
) -> Resource:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": _category(*category),
        "code": code,
        "subject": {"reference": urn(record.patient.public_id)},
        "effectiveDateTime": effective.isoformat(),
        "issued": _instant(issued),
    }


def session_pain_observations(record: PatientRecord, session: SessionLog) -> list[Resource]:
    """Pain before and after a session, each an Observation based on the program's CarePlan."""
    found = []
    for moment, value in (("before", session.pain_before), ("after", session.pain_after)):
        if value is None:
            continue
        observation = _observation(
            record,
            resource_id=derived_id(session.public_id, f"pain-{moment}"),
            code=PAIN_CODE,
            category=SURVEY,
            effective=session.performed_on,
            issued=session.logged_at,
        )
        observation.update(
            identifier=[
                {
                    "system": identifier_system("session-pain"),
                    "value": f"{session.public_id}:{moment}",
                }
            ],
            basedOn=[{"reference": urn(session.program.public_id)}],
            performer=[{"reference": urn(record.patient.public_id)}],
            valueInteger=value,
            note=[{"text": f"Pain {moment} an exercise session."}],
        )
        found.append(observation)
    return found


def _performer(record: PatientRecord, outcome: OutcomeRecord) -> list[Resource]:
    if outcome.entered_by_id == outcome.patient_id:
        return [{"reference": urn(record.patient.public_id), "display": "patient"}]
    return [{"display": entered_by_role(outcome)}]


def _scored(observation: Resource, outcome: OutcomeRecord) -> Resource:
    """The scoring rules' version as the method; the band, if any, as the interpretation."""
    observation["method"] = {
        "coding": [
            {"system": code_system("scoring-version"), "code": outcome.scoring_version},
        ],
        "text": f"Scored with rules {outcome.scoring_version}",
    }
    if outcome.band and outcome.band != scoring.NOT_SCORED:
        observation["interpretation"] = [{"text": outcome.band}]
    if outcome.note:
        observation["note"] = [{"text": outcome.note}]
    return observation


def _outcome_observation(
    record: PatientRecord,
    outcome: OutcomeRecord,
    code: Resource,
    category: tuple[str, str],
    resource_id: str | None = None,
) -> Resource:
    observation = _observation(
        record,
        resource_id=resource_id or str(outcome.public_id),
        code=code,
        category=category,
        effective=outcome.recorded_on,
        issued=outcome.entered_at,
    )
    observation["identifier"] = [
        {"system": identifier_system("outcome"), "value": str(outcome.public_id)}
    ]
    observation["performer"] = _performer(record, outcome)
    return _scored(observation, outcome)


def ndi_resources(record: PatientRecord, outcome: OutcomeRecord) -> list[Resource]:
    """The NDI as a QuestionnaireResponse and its score as an Observation derived from it."""
    detail = outcome.detail or {}
    answers = detail.get("answers") or [None] * len(scoring.NDI_ITEMS)
    items: list[Resource] = []
    for (key, label), answer in zip(scoring.NDI_ITEMS, answers, strict=False):
        item: Resource = {"linkId": key, "text": label}
        if answer is not None:
            item["answer"] = [{"valueInteger": answer}]
        items.append(item)
    items.append(
        {
            "linkId": "total",
            "text": "Total of the sections answered (0-5 each)",
            "answer": [{"valueInteger": detail.get("total", 0)}],
        }
    )
    response_id = str(outcome.public_id)
    response: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "identifier": {"system": identifier_system("outcome"), "value": response_id},
        "questionnaire": f"{fhir_base()}/Questionnaire/ndi",
        "status": "completed",
        "subject": {"reference": urn(record.patient.public_id)},
        "authored": outcome.recorded_on.isoformat(),
        "author": _performer(record, outcome)[0],
        "source": {"reference": urn(record.patient.public_id)},
        "item": items,
    }
    score = _outcome_observation(
        record,
        outcome,
        _local_code("ndi", "Neck Disability Index score"),
        SURVEY,
        resource_id=derived_id(outcome.public_id, "score"),
    )
    score["identifier"] = [
        {"system": identifier_system("outcome"), "value": f"{outcome.public_id}:score"}
    ]
    score["derivedFrom"] = [{"reference": urn(response_id)}]
    if outcome.value is None:
        score["dataAbsentReason"] = {
            "coding": [{"system": DATA_ABSENT, "code": "unknown"}],
            "text": "Not scored: more than one section was left blank.",
        }
    else:
        score["valueQuantity"] = _quantity(outcome.value, "%", "%")
    return [response, score]


def outcome_resources(record: PatientRecord, outcome: OutcomeRecord) -> list[Resource]:
    detail = outcome.detail or {}
    measure = outcome.measure
    if measure == Measure.NDI:
        return ndi_resources(record, outcome)
    if measure == Measure.PAIN:
        observation = _outcome_observation(record, outcome, PAIN_CODE, SURVEY)
        observation["valueInteger"] = int(detail.get("rating", outcome.value or 0))
        return [observation]
    if measure == Measure.PSFS:
        observation = _outcome_observation(
            record, outcome, _local_code("psfs", "Patient-Specific Functional Scale"), SURVEY
        )
        observation["valueQuantity"] = _quantity(outcome.value or 0, "score", "{score}")
        observation["component"] = [
            {"code": {"text": row["name"]}, "valueInteger": row["rating"]}
            for row in detail.get("activities") or []
        ]
        return [observation]
    if measure == Measure.DNF:
        observation = _outcome_observation(
            record, outcome, _local_code("dnf", "Deep neck flexor endurance"), EXAM
        )
        observation["valueQuantity"] = _quantity(outcome.value or 0, "s", "s")
        return [observation]
    if measure == Measure.CCFT:
        observation = _outcome_observation(
            record, outcome, _local_code("ccft", "Craniocervical flexion test"), EXAM
        )
        observation["valueQuantity"] = _quantity(outcome.value or 0, "mmHg", "mm[Hg]")
        return [observation]
    if measure == Measure.CROM:
        observation = _outcome_observation(
            record, outcome, _local_code("crom", "Cervical range of motion"), EXAM
        )
        degrees = detail.get("degrees") or {}
        observation["component"] = [
            {
                "code": _local_code(f"crom-{key}", label),
                "valueQuantity": _quantity(degrees[key], "deg", "deg"),
            }
            for key, label, _limit in scoring.CROM_DIRECTIONS
            if degrees.get(key) is not None
        ]
        return [observation]
    if measure == Measure.CVA:
        observation = _outcome_observation(
            record, outcome, _local_code("cva", "Craniovertebral angle"), EXAM
        )
        observation["valueQuantity"] = _quantity(outcome.value or 0, "deg", "deg")
        side = detail.get("side", "")
        if side:
            observation["bodySite"] = {
                "coding": [
                    {
                        "system": code_system("photo-side"),
                        "code": side,
                        "display": f"{side.capitalize()} side",
                    }
                ],
                "text": f"Neck, {side} side facing the camera",
            }
        return [observation]
    return []


def _entry(resource: Resource) -> Resource:
    return {"fullUrl": urn(resource["id"]), "resource": resource}


def record_bundle(record: PatientRecord, *, today: date | None = None) -> Resource:
    """The patient's record as a FHIR R4 Bundle of type "collection" (a JSON-ready dict).

    `today` (the patient's local date) decides which prescribed exercises are still in progress.
    """
    today = today or record.local(record.exported_at).date()
    resources: list[Resource] = [patient_resource(record)]
    resources += [careplan_resource(record, program, today) for program in record.programs]
    for session in record.sessions:
        resources += session_pain_observations(record, session)
    for outcome in record.outcomes:
        resources += outcome_resources(record, outcome)
    bundle_id = str(uuid.uuid4())
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"lastUpdated": _instant(record.exported_at)},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": urn(bundle_id)},
        "type": "collection",
        "timestamp": _instant(record.exported_at),
        "entry": [_entry(resource) for resource in resources],
    }
