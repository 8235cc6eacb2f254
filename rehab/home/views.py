"""The landing page of each role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import selectors as account_selectors
from accounts.access import AuthedRequest, role_required
from accounts.forms import ClinicSettingsForm
from accounts.models import Role
from rehab.outcomes import caseload_cache, dashboards


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return redirect("account_login")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    destinations: dict[str, str] = {
        Role.PATIENT: "today",
        Role.THERAPIST: "caseload",
        Role.STAFF: "clinic_home",
    }
    destination = destinations.get(request.user.role)
    if destination is None or request.user.clinic_id is None:
        return redirect("admin:index") if request.user.is_superuser else redirect("account_logout")
    return redirect(destination)


@role_required(Role.THERAPIST)
def caseload(request: AuthedRequest) -> HttpResponse:
    """Every patient on the caseload, those needing attention first, with the reasons why.

    The rows come from this process's cache (rehab/outcomes/caseload_cache.py) whenever the
    clinic's caseload version and the quarter hour are those they were made for; a name search
    asks the database which of them match (one query) rather than caching every search."""
    filters = dashboards.CaseloadFilters.from_params(request.GET)
    everyone = caseload_cache.caseload(therapist=request.user).entries
    rows = list(everyone)
    if filters.query:
        matching = set(
            account_selectors.caseload(therapist=request.user, query=filters.query)
            .filter(is_active=True)
            .values_list("pk", flat=True)
        )
        rows = [row for row in rows if row.patient_pk in matching]
    shown = dashboards.filter_rows(rows, filters)
    return render(
        request,
        "home/caseload.html",
        {
            "rows": shown,
            "rows_html": caseload_cache.html_of(shown),
            "total": len(rows),
            "needing_attention": sum(1 for row in rows if row.reasons),
            "has_patients": bool(everyone),
            "filters": filters,
            "reasons": list(dashboards.Reason),
            "threshold": request.user.clinic.adherence_threshold_percent
            if request.user.clinic
            else 0,
        },
    )


@role_required(Role.STAFF)
def clinic_home(request: AuthedRequest) -> HttpResponse:
    """The clinic at a glance: people, adherence, caseloads, reminder delivery, open alerts."""
    dashboard = dashboards.clinic_dashboard(viewer=request.user)
    return render(request, "home/clinic.html", {"counts": dashboard.counts, "dashboard": dashboard})


@role_required(Role.STAFF)
def clinic_settings(request: AuthedRequest) -> HttpResponse:
    clinic = request.user.clinic
    form = ClinicSettingsForm(request.POST if request.method == "POST" else None, instance=clinic)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Clinic settings saved.")
            return redirect("clinic_settings")
        return render(request, "home/clinic_settings.html", {"form": form}, status=400)
    return render(request, "home/clinic_settings.html", {"form": form})
