"""Downloads of a patient's record (CSV, FHIR JSON) and their calendar feed of exercise days.

A patient downloads their own record from "Your record" (/record/); their therapist and the
clinic's staff download it from /patients/<id>/export.*. Downloads are attachments named
without the patient's name, and never cached. The calendar feed (/calendar/<token>.ics) needs
no sign-in: its token is the credential (see exports_calendar.py).
"""

import json

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.access import AuthedRequest, get_patient_or_404, role_required
from accounts.models import Role, User

from . import exports, exports_calendar, fhir
from .models import CalendarFeed

FHIR_CONTENT_TYPE = "application/fhir+json; charset=utf-8"


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # includes Cache-Control: no-store
    return response


def _csv(patient: User, *, with_id: bool) -> HttpResponse:
    record = exports.patient_record(patient)
    return _download(
        exports.record_csv(record),
        "text/csv; charset=utf-8",
        exports.export_filename(record, "csv", with_id=with_id),
    )


def _fhir(patient: User, *, with_id: bool) -> HttpResponse:
    record = exports.patient_record(patient)
    bundle = fhir.record_bundle(record)
    return _download(
        json.dumps(bundle, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        FHIR_CONTENT_TYPE,
        exports.export_filename(record, "fhir.json", with_id=with_id),
    )


# --- The patient's own record -------------------------------------------------------------------


class CalendarFeedForm(forms.Form):
    action = forms.ChoiceField(choices=[("reset", "Create or reset"), ("off", "Turn off")])


def _feed_links(request: AuthedRequest, feed: CalendarFeed | None) -> dict[str, str]:
    if feed is None:
        return {}
    https = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return {"url": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _record_page(
    request: AuthedRequest, form: CalendarFeedForm | None = None, status: int = 200
) -> HttpResponse:
    feed = CalendarFeed.objects.filter(patient=request.user).first()
    response = render(
        request,
        "outcomes/record.html",
        {"feed": feed, "feed_links": _feed_links(request, feed), "form": form},
        status=status,
    )
    # The page shows the calendar link, which works without signing in. (Not "no-referrer":
    # browsers then send "Origin: null" with the page's forms and CSRF refuses them.)
    add_never_cache_headers(response)
    return response


@require_GET
@role_required(Role.PATIENT)
def my_record(request: AuthedRequest) -> HttpResponse:
    return _record_page(request)


@require_GET
@role_required(Role.PATIENT)
def my_record_csv(request: AuthedRequest) -> HttpResponse:
    return _csv(request.user, with_id=False)


@require_GET
@role_required(Role.PATIENT)
def my_record_fhir(request: AuthedRequest) -> HttpResponse:
    return _fhir(request.user, with_id=False)


@require_POST
@role_required(Role.PATIENT)
def my_calendar(request: AuthedRequest) -> HttpResponse:
    """Create or reset the calendar link (a new token), or turn it off."""
    form = CalendarFeedForm(request.POST)
    if not form.is_valid():
        return _record_page(request, form=form, status=400)
    if form.cleaned_data["action"] == "off":
        exports_calendar.calendar_feed_remove(patient=request.user)
        messages.success(request, "Your calendar link is turned off. The old link shows nothing.")
    else:
        had_one = CalendarFeed.objects.filter(patient=request.user).exists()
        exports_calendar.calendar_feed_reset(patient=request.user)
        messages.success(
            request,
            "You have a new calendar link. The old one no longer works."
            if had_one
            else "Your calendar link is ready.",
        )
    return redirect("my_record")


# --- For the care team --------------------------------------------------------------------------


@require_GET
@role_required(Role.THERAPIST, Role.STAFF)
def patient_export_csv(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _csv(get_patient_or_404(request.user, public_id), with_id=True)


@require_GET
@role_required(Role.THERAPIST, Role.STAFF)
def patient_export_fhir(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _fhir(get_patient_or_404(request.user, public_id), with_id=True)


# --- The calendar feed --------------------------------------------------------------------------


@require_safe
def calendar_feed(request: AuthedRequest, token: str) -> HttpResponse:
    """The feed for calendar apps. No sign-in: the token in the URL is the credential."""
    feed = exports_calendar.feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    response = HttpResponse(
        exports_calendar.calendar_ics(patient=feed.patient),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="neck-exercises.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response
