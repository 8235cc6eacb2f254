"""Posture pages: side photos (upload, marking, the permission-checked image, delete), the
workstation checklist and "I took a posture break".

Who may do what (see posture.py for why): photos are seen by the patient and their care-team
therapists, anyone else gets 404 (clinic staff included); the patient or their therapist
uploads and marks; only the patient deletes. The checklist is filled in by the patient; their
therapists read the history.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.access import AuthedRequest, get_patient_or_404, role_required
from accounts.models import Role, User
from rehab.programs.services import patient_today
from rehab.reminders.models import Notification

from . import posture
from .models import WORKSTATION_ITEMS, PosturePhoto, Side
from .scoring import FHP_REFERENCE_DEGREES

# --- Forms --------------------------------------------------------------------------------------


class PhotoUploadForm(forms.Form):
    side = forms.ChoiceField(
        label="Which side of you faces the camera?",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the left or the right side."},
    )
    taken_on = forms.DateField(
        label="Date the photo was taken",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    image = forms.FileField(
        label="Photo",
        help_text=f"JPEG, PNG or WebP, at most {posture.MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": "Choose a photo to upload."},
    )


class MarkForm(forms.Form):
    """The two points in the photo's own pixels (cva.js fills them in; without JavaScript they
    are typed in)."""

    tragus_x = forms.FloatField(label="Ear (tragus): across", min_value=0)
    tragus_y = forms.FloatField(label="Ear (tragus): down", min_value=0)
    c7_x = forms.FloatField(label="Base of neck (C7): across", min_value=0)
    c7_y = forms.FloatField(label="Base of neck (C7): down", min_value=0)

    def __init__(self, *args: Any, photo: PosturePhoto, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            limit = photo.width if name.endswith("_x") else photo.height
            assert isinstance(field, forms.FloatField)
            field.widget.attrs.update({"min": 0, "max": limit, "step": "any"})
            field.validators.append(
                _MaxPoint(limit, "This point is outside the photo. Mark it on the photo.")
            )


class _MaxPoint:
    def __init__(self, limit: int, message: str) -> None:
        self.limit, self.message = limit, message

    def __call__(self, value: float) -> None:
        if value > self.limit:
            raise ValidationError(self.message)


YES_NO = [("yes", "Yes"), ("no", "No")]


class WorkstationForm(forms.Form):
    """One required yes/no per checklist item (no answer is not taken as a no)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in WORKSTATION_ITEMS:
            self.fields[key] = forms.ChoiceField(
                label=question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                help_text=posture.WORKSTATION_TIPS[key],
                error_messages={"required": "Please answer yes or no."},
            )

    def answers(self) -> dict[str, bool]:
        return {key: self.cleaned_data[key] == "yes" for key, _ in WORKSTATION_ITEMS}


class PostureBreakForm(forms.Form):
    notification = forms.UUIDField(required=False)
    next = forms.CharField(required=False, max_length=300)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(None if field == NON_FIELD_ERRORS else target, message)


# --- Photos -------------------------------------------------------------------------------------


def _photo_list(request: AuthedRequest, patient: User) -> HttpResponse:
    photos = posture.photos_visible_to(request.user).filter(patient=patient)
    page = Paginator(photos, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "outcomes/photo_list.html",
        {
            "patient": patient,
            "page": page,
            "is_self": request.user.pk == patient.pk,
            "reference": FHP_REFERENCE_DEGREES,
        },
    )


@role_required(Role.PATIENT)
def photo_list(request: AuthedRequest) -> HttpResponse:
    return _photo_list(request, request.user)


@role_required(Role.THERAPIST)
def patient_photo_list(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _photo_list(request, get_patient_or_404(request.user, public_id))


def _photo_upload(request: AuthedRequest, patient: User) -> HttpResponse:
    form = PhotoUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"taken_on": patient_today(patient)},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            photo = posture.photo_upload(
                patient=patient,
                by=request.user,
                side=form.cleaned_data["side"],
                taken_on=form.cleaned_data["taken_on"],
                upload=upload,
                size=upload.size,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Photo saved. Now mark the two points on it.")
            return redirect("posture_photo_detail", public_id=photo.public_id)
    return render(
        request,
        "outcomes/photo_upload.html",
        {"form": form, "patient": patient, "is_self": request.user.pk == patient.pk},
        status=400 if form.errors else 200,
    )


@role_required(Role.PATIENT)
def photo_upload(request: AuthedRequest) -> HttpResponse:
    return _photo_upload(request, request.user)


@role_required(Role.THERAPIST)
def patient_photo_upload(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _photo_upload(request, get_patient_or_404(request.user, public_id))


# Staff pass the role check and then find no photo (404), like anyone outside the care team.
_ANY_ROLE = (Role.PATIENT, Role.THERAPIST, Role.STAFF)


@role_required(*_ANY_ROLE)
def photo_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The marking page: tap the ear, then the base of the neck; the server works out the angle."""
    photo = posture.get_photo_or_404(request.user, public_id)
    initial = {}
    if photo.outcome is not None:
        tragus, c7 = photo.outcome.inputs.get("tragus"), photo.outcome.inputs.get("c7")
        if tragus and c7:
            initial = {"tragus_x": tragus[0], "tragus_y": tragus[1], "c7_x": c7[0], "c7_y": c7[1]}
    form = MarkForm(
        request.POST if request.method == "POST" else None, photo=photo, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = posture.photo_mark(
                photo=photo,
                by=request.user,
                tragus=[data["tragus_x"], data["tragus_y"]],
                c7=[data["c7_x"], data["c7_y"]],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved: your craniovertebral angle is {outcome.value:g}°.")
            return redirect("posture_photo_detail", public_id=photo.public_id)
    return render(
        request,
        "outcomes/photo_detail.html",
        {
            "photo": photo,
            "form": form,
            "can_delete": posture.may_delete_photo(request.user, photo),
            "is_self": request.user.pk == photo.patient_id,
            "reference": FHP_REFERENCE_DEGREES,
            "marking": {"width": photo.width, "height": photo.height},
        },
        status=400 if form.errors else 200,
    )


@require_safe
@role_required(*_ANY_ROLE)
def photo_image(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The photo's bytes, for the patient and their therapists only; never cached or sniffed."""
    photo = posture.get_photo_or_404(request.user, public_id)
    try:
        # At most 1600 pixels across once re-encoded: a few hundred kB, read in one go.
        with photo.image.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("No such photo.") from exc
    response = HttpResponse(data, content_type="image/jpeg")
    response["Content-Disposition"] = 'inline; filename="side-photo.jpg"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@role_required(*_ANY_ROLE)
def photo_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Confirm, then delete (the patient only; their therapists get 403)."""
    photo = posture.get_photo_or_404(request.user, public_id)
    if not posture.may_delete_photo(request.user, photo):
        raise PermissionDenied
    if request.method == "POST":
        posture.photo_delete(photo=photo, by=request.user)
        messages.success(request, "Photo deleted. Any angle measured from it is kept.")
        return redirect("posture_photo_list")
    return render(request, "outcomes/photo_delete.html", {"photo": photo})


# --- Workstation checklist and posture breaks -------------------------------------------------


def _history(request: AuthedRequest, patient: User) -> Any:
    checks = posture.workstation_checks_for(request.user, patient)
    return Paginator(checks, 20).get_page(request.GET.get("page"))


@role_required(Role.PATIENT)
def workstation(request: AuthedRequest) -> HttpResponse:
    patient = request.user
    form = WorkstationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            check = posture.workstation_check_submit(
                patient=patient, by=patient, answers=form.answers()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Checklist saved: {check.score} out of {check.out_of}.")
            return redirect("posture_workstation")
    return render(
        request,
        "outcomes/workstation.html",
        {
            "form": form,
            "page": _history(request, patient),
            "breaks_today": posture.posture_breaks_today(patient),
            "out_of": len(WORKSTATION_ITEMS),
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.THERAPIST)
def patient_workstation(request: AuthedRequest, public_id: str) -> HttpResponse:
    patient = get_patient_or_404(request.user, public_id)
    page = _history(request, patient)
    rows = [
        {"check": check, "answers": [check.answers.get(key) for key, _ in WORKSTATION_ITEMS]}
        for check in page.object_list
    ]
    return render(
        request,
        "outcomes/workstation_history.html",
        {"patient": patient, "page": page, "rows": rows, "items": WORKSTATION_ITEMS},
    )


@require_POST
@role_required(Role.PATIENT)
def posture_break(request: AuthedRequest) -> HttpResponse:
    """ "I took a posture break", from a posture nudge (counted once per nudge) or on its own."""
    form = PostureBreakForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Bad request.", status=400, content_type="text/plain")
    try:
        _, created = posture.posture_break_record(
            patient=request.user, notification_id=form.cleaned_data["notification"]
        )
    except Notification.DoesNotExist as exc:
        raise Http404("No such reminder.") from exc
    count = posture.posture_breaks_today(request.user)
    if created:
        messages.success(request, f"Posture break counted: {count} today. Well done!")
    else:
        messages.info(request, f"This break was already counted ({count} today).")
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("posture_workstation"))
