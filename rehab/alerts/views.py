"""Alert pages for the care team, and the patient's weekly red-flag check-in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.access import AuthedRequest, role_required
from accounts.models import Role

from . import selectors, services
from .forms import AcknowledgeForm, AlertFilterForm, CheckinForm


@role_required(Role.THERAPIST, Role.STAFF)
def alert_list(request: AuthedRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    status, rule = "open", ""
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        rule = form.cleaned_data["rule"]
    alerts = selectors.alerts_visible_to(request.user)
    if status == "open":
        alerts = alerts.filter(acknowledged_at=None)
    elif status == "acknowledged":
        alerts = alerts.exclude(acknowledged_at=None)
    if rule:
        alerts = alerts.filter(rule=rule)
    page = Paginator(alerts.order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(
        request, "alerts/list.html", {"page": page, "form": form, "status": status, "rule": rule}
    )


def _can_acknowledge(request: AuthedRequest) -> bool:
    """The patient's own therapists acknowledge; staff see alerts but make no clinical calls."""
    return request.user.role == Role.THERAPIST


@role_required(Role.THERAPIST, Role.STAFF)
def alert_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    alert = selectors.get_alert_or_404(request.user, public_id)
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not _can_acknowledge(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.acknowledge(alert=alert, by=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error.message_dict.get("note", error.messages))
            else:
                messages.success(request, "Alert acknowledged.")
                return redirect("alert_detail", public_id=alert.public_id)
    return render(
        request,
        "alerts/detail.html",
        {"alert": alert, "form": form, "can_acknowledge": _can_acknowledge(request)},
        status=400 if form.errors else 200,
    )


@role_required(Role.PATIENT)
def checkin(request: AuthedRequest) -> HttpResponse:
    form = CheckinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.checkin_submit(
            patient=request.user, answers=form.answers(), note=form.cleaned_data["note"]
        )
        return redirect("checkin_detail", public_id=result.public_id)
    last = selectors.checkins_visible_to(request.user).first()
    return render(
        request,
        "alerts/checkin.html",
        {"form": form, "last": last},
        status=400 if form.errors else 200,
    )


@role_required(Role.PATIENT, Role.THERAPIST, Role.STAFF)
def checkin_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    result = selectors.get_checkin_or_404(request.user, public_id)
    return render(
        request,
        "alerts/checkin_result.html",
        {"checkin": result, "advice": services.ADVICE, "advice_title": services.ADVICE_TITLE},
    )
