"""The patient's progress page: adherence, streak, pain, outcome trends, posture, what's next."""

from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import AuthedRequest, role_required
from accounts.models import Role
from rehab.programs.selectors import load_profile_and_clinic

from .progress import progress_for
from .progress_charts import chart_specs


@role_required(Role.PATIENT)
def progress(request: AuthedRequest) -> HttpResponse:
    patient = request.user
    load_profile_and_clinic(patient)
    data = progress_for(patient, own=True)
    return render(
        request, "outcomes/progress.html", {"progress": data, "charts": chart_specs(data)}
    )
