"""Pages for recording outcome measures, showing one result, and scheduling questionnaires.

- Patients fill in their own questionnaires and pain rating (`outcome_new_self`).
- A patient's therapists record any measure for them, with a date and a note
  (`patient_outcome_new`), and set which questionnaires the patient is asked for and how often
  (`patient_questionnaires`; clinic staff may look, not change).
- Everyone who may see the patient sees a result (`outcome_detail`); everyone else gets 404.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import AuthedRequest, get_patient_or_404, role_required
from accounts.models import Role, User
from rehab.programs.services import patient_today

from . import scoring, services
from .forms import MEASURE_FORMS, MeasureForm, PsfsForm, ScheduleForm
from .models import PATIENT_MEASURES, Measure, OutcomeRecord
from .selectors_measures import get_outcome_or_404

# The angle is measured by marking a side photo (posture pages), not typed in.
TYPED_MEASURES = tuple(m for m in Measure if m != Measure.CVA)
SELF_MEASURES = tuple(m for m in PATIENT_MEASURES if m in TYPED_MEASURES)

INTRO = {
    Measure.NDI: (
        "Ten short sections about how your neck affects everyday life. In each, choose the one "
        "answer that describes you best today. If a section doesn't apply to you, leave it blank."
    ),
    Measure.PAIN: "Your neck pain right now, from 0 (no pain) to 10 (the worst pain imaginable).",
    Measure.PSFS: (
        "Up to five everyday activities your neck makes hard, each rated from 0 (unable to do "
        "it) to 10 (able to do it as well as before the problem). The same activities are rated "
        "each time, so you can see them improve."
    ),
    Measure.DNF: (
        "Patient lying on their back, chin tucked, head lifted about 2.5 cm. Time the hold "
        "until the chin pokes forward or the head drops."
    ),
    Measure.CCFT: (
        "Pressure biofeedback under the neck inflated to 20 mmHg. Each stage (22 to 30 mmHg) "
        "is held for 10 seconds with a gentle nod and no help from the superficial muscles."
    ),
    Measure.CROM: "Active range in degrees. Fill in the directions you measured; leave the rest.",
}

NDI_BANDS = {
    "none": "Your neck has little or no effect on your daily life.",
    "mild": "Your neck affects your daily life a little (mild).",
    "moderate": "Your neck affects your daily life a fair amount (moderate).",
    "severe": "Your neck affects your daily life a lot (severe).",
    "complete": "Your neck affects almost everything you do (complete).",
}


def _form(measure: str, request: AuthedRequest, patient: User, *, with_date: bool) -> MeasureForm:
    form_class = MEASURE_FORMS[measure]
    data = request.POST if request.method == "POST" else None
    kwargs: dict[str, Any] = {"today": patient_today(patient), "with_date": with_date}
    if form_class is PsfsForm:
        names = services.psfs_activities(patient)
        if request.user.pk == patient.pk:
            kwargs["locked"] = names
        else:
            kwargs["initial_names"] = names
    return form_class(data, **kwargs)


def _record(request: AuthedRequest, patient: User, form: MeasureForm) -> OutcomeRecord | None:
    """Store the form's measurement, or put the service's objections on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.outcome_record(
            patient=patient,
            by=request.user,
            measure=form.measure,
            recorded_on=form.chosen_date(),
            inputs=form.inputs(),
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        form.add_service_error(error)
        return None


def _render_form(
    request: AuthedRequest, form: MeasureForm, patient: User, *, for_patient: bool
) -> HttpResponse:
    return render(
        request,
        "outcomes/measure_form.html",
        {
            "form": form,
            "patient": patient,
            "for_patient": for_patient,
            "intro": INTRO[Measure(form.measure)],
            "stopwatch": form.measure == Measure.DNF,
            "psfs_locked": getattr(form, "locked", []),
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.PATIENT)
def outcome_new_self(request: AuthedRequest, measure: str) -> HttpResponse:
    if measure not in SELF_MEASURES:
        raise Http404("Not a questionnaire patients fill in.")
    form = _form(measure, request, request.user, with_date=False)
    record = _record(request, request.user, form)
    if record is not None:
        return redirect("outcome_detail", public_id=record.public_id)
    return _render_form(request, form, request.user, for_patient=True)


@role_required(Role.THERAPIST)
def patient_outcome_new(request: AuthedRequest, public_id: str, measure: str) -> HttpResponse:
    patient = get_patient_or_404(request.user, public_id)
    if measure not in TYPED_MEASURES:
        raise Http404("Not a measure recorded on this page.")
    form = _form(measure, request, patient, with_date=True)
    record = _record(request, patient, form)
    if record is not None:
        return redirect("outcome_detail", public_id=record.public_id)
    return _render_form(request, form, patient, for_patient=False)


def meaning(record: OutcomeRecord) -> list[str]:
    """What the result means, in plain words."""
    detail = record.detail
    if record.measure == Measure.NDI:
        if record.value is None:
            return [
                "More than one section was left blank, so this index could not be scored. "
                "Next time, try to answer every section you can."
            ]
        lines = [NDI_BANDS.get(record.band, "")]
        if detail.get("missing"):
            lines.append(
                "One section was left blank, so the score is worked out from the other nine."
            )
        lines.append(
            "0% means no disability and 100% the most. A change of 10 percentage points "
            "(5 points out of 50) or more is one people usually notice."
        )
        return lines
    if record.measure == Measure.PAIN:
        return [
            "0 means no pain and 10 the worst pain imaginable. A change of 2 points or more is "
            "one people usually notice."
        ]
    if record.measure == Measure.PSFS:
        return [
            "The average of your activity ratings: 0 means unable to do them, 10 able to do them "
            "as well as before the problem. Higher is better; a change of 2 points or more is "
            "one people usually notice."
        ]
    if record.measure == Measure.DNF:
        reference = detail.get("reference_seconds", scoring.DNF_REFERENCE_SECONDS)
        return [
            f"In studies, people without neck pain held about {reference['asymptomatic']} s "
            f"and people with neck pain about {reference['neck_pain']} s. Norms vary between "
            "studies, so the useful comparison is with earlier results of the same person."
        ]
    if record.measure == Measure.CCFT:
        return [
            f"{detail.get('stages_passed', 0)} of {len(scoring.CCFT_STAGES)} stages held for "
            f"{scoring.CCFT_HOLD_SECONDS} seconds with correct form. Holding higher stages over "
            "time shows the deep neck muscles getting stronger."
        ]
    if record.measure == Measure.CROM:
        return [
            "How far the neck turns and bends, in degrees, for each direction measured. Compare "
            "with earlier measurements and between left and right."
        ]
    if record.measure == Measure.CVA:
        return [
            "The angle between the horizontal through the base of the neck and the line to the "
            f"ear. Smaller means the head sits further forward; {scoring.FHP_REFERENCE_DEGREES}° "
            "is a common reference line, not a diagnosis."
        ]
    return []


@role_required(Role.PATIENT, Role.THERAPIST, Role.STAFF)
def outcome_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    record = get_outcome_or_404(request.user, public_id)
    crom, crom_differences = [], []
    if record.measure == Measure.CROM:
        degrees = record.detail.get("degrees", {})
        crom = [(label, degrees.get(key)) for key, label, _limit in scoring.CROM_DIRECTIONS]
        differences = record.detail.get("left_minus_right", {})
        crom_differences = [
            (label, differences[key])
            for key, label in (("lateral_flexion", "lateral flexion"), ("rotation", "rotation"))
            if key in differences
        ]
    return render(
        request,
        "outcomes/measure_detail.html",
        {
            "record": record,
            "meaning": [line for line in meaning(record) if line],
            "is_self": record.patient_id == request.user.pk,
            "crom": crom,
            "crom_differences": crom_differences,
            "can_record": request.user.role == Role.THERAPIST,
        },
    )


@role_required(Role.THERAPIST, Role.STAFF)
def patient_questionnaires(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The patient's questionnaire schedule: their therapists change it, staff only look."""
    patient = get_patient_or_404(request.user, public_id)
    can_edit = request.user.role == Role.THERAPIST
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    rows = services.questionnaire_schedules(patient)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        today=patient_today(patient),
        current={row.schedule.measure: row.schedule for row in rows},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaires_replace(patient=patient, by=request.user, wanted=form.wanted())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Questionnaire schedule saved.")
            return redirect("patient_questionnaires", public_id=patient.public_id)
    return render(
        request,
        "outcomes/questionnaire_schedule.html",
        {
            "patient": patient,
            "form": form,
            "rows": rows,
            "can_edit": can_edit,
            "today": patient_today(patient),
        },
        status=400 if form.errors else 200,
    )
