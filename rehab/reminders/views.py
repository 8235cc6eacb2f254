"""Reminder settings, the notification bell's list, and the one-click stop from emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import AuthedRequest, role_required
from accounts.models import Role

from . import services
from .forms import ReminderPreferencesForm
from .models import Notification


@role_required(Role.PATIENT)
def reminder_settings(request: AuthedRequest) -> HttpResponse:
    prefs = services.preferences_for(request.user)
    form = ReminderPreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.reschedule(request.user)
        messages.success(request, "Reminder settings saved.")
        return redirect("reminder_settings")
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "default_times": ", ".join(f"{t:%H:%M}" for t in services.exercise_times(prefs))
            if not prefs.times
            else "",
            "time_zone": request.user.patient_profile.time_zone,
        },
    )


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at")
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "reminders/notifications.html", {"page": page})


@require_POST
@login_required
def notification_read(request: AuthedRequest, public_id: str) -> HttpResponse:
    notification = Notification.objects.filter(recipient=request.user, public_id=public_id).first()
    if notification is None:
        raise Http404("No such notification.")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return redirect(notification.url or "notification_list")


@require_POST
@login_required
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("notification_list")


def stop(request: HttpRequest, token: str) -> HttpResponse:
    """One click from an email stops every reminder (RFC 8058 POST, or the button on GET)."""
    patient = services.patient_from_stop_token(token)
    if patient is None:
        return render(request, "reminders/stop.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.stop_all(patient)
        return render(request, "reminders/stop.html", {"stopped": True})
    return render(request, "reminders/stop.html", {"token": token})
