"""Therapist pages: the program builder, a program's page and actions, protocols, the handout.

The builder keeps its whole state in one form: adding, removing or moving an exercise, loading
a protocol or searching the library re-renders the page with the rows so far (nothing is saved
until "Save"). It works without JavaScript; htmx only makes the library search live.
"""

import uuid
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import AuthedRequest, get_patient_or_404, role_required
from accounts.models import Role, User
from exercises.models import Category, Exercise
from exercises.selectors import exercise_search, exercises_visible_to

from . import selectors, services
from .forms import (
    DEFAULT_TITLE,
    EndProgramForm,
    ItemFormSet,
    ProgramForm,
    ReviseForm,
    SaveProtocolForm,
    days_to_mask,
    exercise_initial,
    item_initial,
)
from .models import Program, ProgramItem, ProgramVersion, Protocol, ProtocolItem, Status

PICKER_LIMIT = 30
PREFIX = "item"


def _protocols(viewer: User) -> list[Protocol]:
    return list(selectors.protocols_visible_to(viewer).order_by("clinic_id", "name"))


def _protocol_rows(viewer: User, public_id: str) -> tuple[Protocol, list[dict[str, Any]]] | None:
    try:
        protocol = selectors.get_protocol_or_404(viewer, public_id)
    except Http404:
        return None
    items = ProtocolItem.objects.filter(protocol=protocol).select_related("exercise")
    return protocol, [item_initial(item, item.exercise) for item in items]


def _posted_rows(data: QueryDict) -> list[dict[str, Any]]:
    """The item rows as the browser sent them, valid or not, to re-render them."""
    formset = ItemFormSet(data, prefix=PREFIX)
    return [{name: form[name].value() for name in form.fields} for form in formset]


def _edit_rows(data: QueryDict, rows: list[dict[str, Any]], viewer: User) -> bool:
    """Apply an add / remove / move button to the rows. True when one was pressed."""
    if "add" in data:
        public_id = _uuid(data.get("add", ""))
        if public_id is not None:
            exercise = exercises_visible_to(viewer).filter(public_id=public_id).first()
            if exercise is not None:
                rows.append(exercise_initial(exercise))
        return True
    for action, step in (("up", -1), ("down", 1), ("remove", 0)):
        if action not in data:
            continue
        try:
            index = int(data.get(action, ""))
        except ValueError:
            return True
        if not 0 <= index < len(rows):
            return True
        if step == 0:
            rows.pop(index)
        elif 0 <= index + step < len(rows):
            rows[index], rows[index + step] = rows[index + step], rows[index]
        return True
    return False


def _uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _item_specs(formset: Any, exercises: dict[str, Exercise]) -> list[services.ItemSpec]:
    specs = []
    for form in formset:
        data = form.cleaned_data
        specs.append(
            services.ItemSpec(
                exercise_id=exercises[str(data["exercise"])].pk,
                sets=data["sets"],
                reps=data["reps"],
                hold_seconds=data["hold_seconds"],
                rest_seconds=data["rest_seconds"],
                side=data["side"],
                times_per_day=data["times_per_day"],
                days_of_week=days_to_mask(data["days"]),
                notes=data["notes"],
                phase_name=data["phase_name"],
                phase_start_week=data["phase_start_week"],
                phase_end_week=data["phase_end_week"],
            )
        )
    return specs


def _exercises_for(viewer: User, rows: list[dict[str, Any]]) -> dict[str, Exercise]:
    ids = {_uuid(str(row.get("exercise") or "")) for row in rows}
    return {
        str(exercise.public_id): exercise
        for exercise in exercises_visible_to(viewer).filter(
            public_id__in=[public_id for public_id in ids if public_id is not None]
        )
    }


def _add_service_errors(error: ValidationError, head: Form, formset: Any) -> None:
    """Put a service's errors ("items[2].sets", "start_date", plain) next to their fields."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            head.add_error(None, message)
        return
    for key, messages_ in error.message_dict.items():
        if key.startswith("items[") and "]." in key:
            index, field = key[len("items[") :].split("].", 1)
            form = formset.forms[int(index)]
            form.add_error(field if field in form.fields else None, messages_)
        elif key in head.fields:
            head.add_error(key, messages_)
        else:
            head.add_error(None, messages_)


def _picker(viewer: User, query: str, category: str) -> dict[str, Any]:
    found = exercise_search(
        viewer=viewer, query=query, category=category if category in Category.values else ""
    )
    results = list(found[: PICKER_LIMIT + 1])
    return {
        "results": results[:PICKER_LIMIT],
        "more": len(results) > PICKER_LIMIT,
        "pick_q": query,
        "pick_category": category,
        "categories": Category.choices,
    }


def _builder(
    request: AuthedRequest,
    *,
    patient: User,
    program: Program | None,
    initial_head: dict[str, Any],
    initial_rows: list[dict[str, Any]],
) -> HttpResponse:
    head_class = ProgramForm if program is None else ReviseForm
    therapist = request.user
    if request.method != "POST":
        rows, head = initial_rows, head_class(initial=initial_head)
        formset = ItemFormSet(initial=rows, prefix=PREFIX)
    else:
        data: QueryDict = request.POST.copy()
        rows = _posted_rows(data)
        action = data.get("action", "")
        edited = _edit_rows(data, rows, therapist)
        if not edited and action == "protocol":
            loaded = _protocol_rows(therapist, data.get("protocol", ""))
            if loaded is not None:
                protocol, rows = loaded
                messages.info(request, f"Loaded “{protocol.name}”. Adjust it, then save.")
                if program is None:
                    title = data.get("title", "").strip()
                    data["title"] = protocol.name if title in ("", DEFAULT_TITLE) else title
                    data["notes_for_patient"] = (
                        data.get("notes_for_patient", "").strip() or protocol.notes_for_patient
                    )
        if edited or action != "save":
            head = head_class(initial=data.dict())
            formset = ItemFormSet(initial=rows, prefix=PREFIX)
        else:
            head = head_class(data)
            formset = ItemFormSet(data, prefix=PREFIX)
            result = _save(request, patient, program, head, formset, rows)
            if result is not None:
                return result
    exercises = _exercises_for(therapist, rows)
    item_forms = [
        (form, exercises.get(str(row.get("exercise"))))
        for form, row in zip(formset, rows, strict=False)
    ]
    return render(
        request,
        "programs/builder.html",
        {
            "patient": patient,
            "program": program,
            "head": head,
            "formset": formset,
            "item_forms": item_forms,
            "protocols": _protocols(therapist),
            **_picker(
                therapist,
                request.POST.get("pick_q", "").strip(),
                request.POST.get("pick_category", ""),
            ),
        },
    )


def _save(
    request: AuthedRequest,
    patient: User,
    program: Program | None,
    head: Form,
    formset: Any,
    rows: list[dict[str, Any]],
) -> HttpResponse | None:
    head_ok, items_ok = head.is_valid(), formset.is_valid()
    if not rows:
        head.add_error(None, "Add at least one exercise from the library below.")
        return None
    if not (head_ok and items_ok):
        return None
    exercises = _exercises_for(request.user, rows)
    try:
        specs = _item_specs(formset, exercises)
        if program is None:
            program = services.program_create(
                therapist=request.user,
                patient=patient,
                title=head.cleaned_data["title"],
                start_date=head.cleaned_data["start_date"],
                end_date=head.cleaned_data["end_date"],
                notes_for_patient=head.cleaned_data["notes_for_patient"],
                items=specs,
            )
            messages.success(request, f"Program saved. {patient.full_name} will see it on Today.")
        else:
            version = services.program_revise(
                program=program,
                by=request.user,
                effective_from=head.cleaned_data["effective_from"],
                change_note=head.cleaned_data["change_note"],
                items=specs,
            )
            messages.success(
                request,
                f"Version {version.number} saved, in force from "
                f"{version.effective_from:%-d %B %Y}.",
            )
    except KeyError:
        head.add_error(None, "One of the exercises is no longer in the library. Remove it.")
        return None
    except ValidationError as error:
        _add_service_errors(error, head, formset)
        return None
    return redirect("program_detail", program.public_id)


@role_required(Role.THERAPIST)
def program_new(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Prescribe a new program to a patient on the caseload."""
    patient = get_patient_or_404(request.user, public_id)
    start = services.patient_today(patient)
    head = {"title": DEFAULT_TITLE, "start_date": start}
    rows: list[dict[str, Any]] = []
    loaded = _protocol_rows(request.user, request.GET.get("protocol", ""))
    if loaded is not None:
        protocol, rows = loaded
        head |= {"title": protocol.name, "notes_for_patient": protocol.notes_for_patient}
    return _builder(request, patient=patient, program=None, initial_head=head, initial_rows=rows)


def _current_version(program: Program) -> ProgramVersion:
    version = (
        program.versions.prefetch_related(
            Prefetch("items", queryset=ProgramItem.objects.select_related("exercise"))
        )
        .order_by("-number")
        .first()
    )
    assert version is not None
    return version


def _managed_program(request: AuthedRequest, public_id: str) -> Program:
    """A program of a patient on the therapist's caseload, else 404."""
    return selectors.get_program_or_404(request.user, public_id)


@role_required(Role.THERAPIST)
def program_revise(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Change a program: a new version from a date; earlier sessions keep their targets."""
    program = _managed_program(request, public_id)
    if program.status == Status.ENDED:
        messages.error(request, "This program has ended. Start a new program instead.")
        return redirect("program_detail", program.public_id)
    current = _current_version(program)
    today = services.patient_today(program.patient)
    effective = max(today, services.earliest_revision_date(program, current))
    rows = [item_initial(item, item.exercise) for item in current.items.all()]
    return _builder(
        request,
        patient=program.patient,
        program=program,
        initial_head={"effective_from": effective},
        initial_rows=rows,
    )


@role_required(Role.THERAPIST)
def exercise_picker(request: AuthedRequest) -> HttpResponse:
    """The builder's library search results (htmx partial)."""
    context = _picker(
        request.user, request.GET.get("pick_q", "").strip(), request.GET.get("pick_category", "")
    )
    return render(request, "programs/_picker_results.html", context)


@role_required(Role.THERAPIST, Role.STAFF)
def program_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    program = selectors.get_program_or_404(request.user, public_id)
    versions = list(
        program.versions.select_related("created_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ProgramItem.objects.select_related("exercise").order_by("position"),
            )
        )
        .order_by("-number")
    )
    today = services.patient_today(program.patient)
    days = selectors.adherence_by_day(
        patient=program.patient,
        start=program.start_date,
        end=min(program.end_date or today, today),
        program=program,
    )
    week_start = today - timedelta(days=today.weekday())
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "patient": program.patient,
            "versions": versions,
            "pauses": list(program.pauses.order_by("-starts_on")),
            "today": today,
            "adherence_week": selectors.adherence_ratio([d for d in days if d.day >= week_start]),
            "adherence_overall": selectors.adherence_ratio(days),
            "end_form": EndProgramForm(initial={"on": today}),
            "protocol_form": SaveProtocolForm(initial={"name": program.title}),
            "can_manage": request.user.role == Role.THERAPIST,
        },
    )


def _program_action(request: AuthedRequest, public_id: str, action: str) -> HttpResponse:
    program = _managed_program(request, public_id)
    today = services.patient_today(program.patient)
    try:
        if action == "pause":
            services.program_pause(program=program, on=today)
            messages.success(request, "Program paused. Nothing is expected until you resume it.")
        elif action == "resume":
            services.program_resume(program=program, on=today)
            messages.success(request, "Program resumed from today.")
        else:
            form = EndProgramForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose the last day of the program.")
                return redirect("program_detail", program.public_id)
            on: date = form.cleaned_data["on"]
            if on < today - timedelta(days=services.BACKFILL_DAYS):
                messages.error(request, "The last day can't be more than a week ago.")
                return redirect("program_detail", program.public_id)
            services.program_end(program=program, on=on)
            messages.success(request, f"Program ended after {program.end_date:%-d %B %Y}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("program_detail", program.public_id)


@require_POST
@role_required(Role.THERAPIST)
def program_pause(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _program_action(request, public_id, "pause")


@require_POST
@role_required(Role.THERAPIST)
def program_resume(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _program_action(request, public_id, "resume")


@require_POST
@role_required(Role.THERAPIST)
def program_end(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _program_action(request, public_id, "end")


@require_POST
@role_required(Role.THERAPIST)
def program_save_protocol(request: AuthedRequest, public_id: str) -> HttpResponse:
    program = _managed_program(request, public_id)
    form = SaveProtocolForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the protocol a name.")
    else:
        protocol = services.protocol_save_from_program(
            program=program, by=request.user, name=form.cleaned_data["name"]
        )
        messages.success(
            request,
            f"Saved as the clinic protocol “{protocol.name}”. Colleagues can start from it.",
        )
    return redirect("program_detail", program.public_id)


def _handout_items(program: Program, on: date) -> list[ProgramItem]:
    """The items of the version in force on `on` (or the first version before the start)."""
    version = selectors.version_in_force(program, on) or program.versions.order_by("number").first()
    if version is None:
        return []
    return list(version.items.select_related("exercise").order_by("position"))


@role_required(Role.PATIENT, Role.THERAPIST, Role.STAFF)
def program_handout(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A printable handout: each exercise with its dose, steps and when to stop."""
    program = selectors.get_program_or_404(request.user, public_id)
    today = services.patient_today(program.patient)
    return render(
        request,
        "programs/handout.html",
        {
            "program": program,
            "items": _handout_items(program, max(today, program.start_date)),
            "today": today,
        },
    )


@role_required(Role.THERAPIST, Role.STAFF)
def protocol_list(request: AuthedRequest) -> HttpResponse:
    protocols = selectors.protocols_visible_to(request.user).prefetch_related(
        Prefetch(
            "items",
            queryset=ProtocolItem.objects.select_related("exercise").order_by("position"),
        )
    )
    return render(request, "programs/protocols.html", {"protocols": protocols})
