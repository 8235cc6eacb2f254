"""The patient's progress page: adherence, streak, pain, outcome trends, posture, what's next."""

from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import AuthedRequest, role_required
from accounts.models import Role, User

from .progress import progress_for
from .progress_charts import chart_specs


@role_required(Role.PATIENT)
def progress(request: AuthedRequest) -> HttpResponse:
    patient = request.user
    # The profile (the patient's time zone, for their today) and the clinic (the page header)
    # in one query rather than one each when first used.
    row = User.objects.select_related("patient_profile", "clinic").get(pk=patient.pk)
    patient.patient_profile = row.patient_profile
    patient.clinic = row.clinic
    data = progress_for(patient, own=True)
    return render(
        request, "outcomes/progress.html", {"progress": data, "charts": chart_specs(data)}
    )
