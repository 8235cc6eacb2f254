"""The clinic's audit trail for its staff: reads of health data, sign-ins, MFA events and
changes of records, filtered and exported (accounts/audit.py)."""

from typing import cast
from uuid import UUID

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .access import AuthedRequest, clinic_members_for_staff, role_required
from .models import AuditKind, Role, User

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    who = forms.CharField(label="Who (email)", required=False, max_length=254)
    patient = forms.CharField(label="Patient (email)", required=False, max_length=254)
    kind = forms.ChoiceField(
        label="What",
        required=False,
        choices=[("", "Everything")] + [(k, v[0]) for k, v in audit.KIND_FILTERS.items()],
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, viewer: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.members = clinic_members_for_staff(viewer)

    def _member(self, value: str, *, patient: bool) -> User | None:
        """A member of the viewer's clinic by email address or public id; anyone else is
        'nobody matches' (a foreign address is not confirmed)."""
        value = value.strip()
        if not value:
            return None
        members = self.members.filter(role=Role.PATIENT) if patient else self.members
        try:
            found = members.filter(public_id=UUID(value)).first()
        except ValueError:
            found = members.filter(email__iexact=value).first()
        if found is None:
            raise forms.ValidationError("Nobody in your clinic has this address.")
        return found

    def clean_who(self) -> User | None:
        return self._member(self.cleaned_data["who"], patient=False)

    def clean_patient(self) -> User | None:
        return self._member(self.cleaned_data["patient"], patient=True)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def _filters(request: AuthedRequest) -> tuple[AuditFilterForm, audit.TimelineFilters | None]:
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    clinic = request.user.clinic
    assert clinic is not None  # role_required lets only clinic members in
    if not request.GET:
        return form, audit.TimelineFilters(clinic=clinic)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, audit.TimelineFilters(
        clinic=clinic,
        who=data["who"],
        patient=data["patient"],
        kind=data["kind"],
        date_from=data["date_from"],
        date_to=data["date_to"],
    )


@role_required(Role.STAFF)
def audit_log(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "accounts/audit.html", {"form": form, "page": None}, status=400)
    page = Paginator(audit.timeline(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit.html",
        {
            "form": form,
            "page": page,
            "rows": audit.hydrate(page.object_list),
            "export_query": request.GET.urlencode(),
            "time_zone": filters.clinic.time_zone,
        },
    )


@role_required(Role.STAFF)
def audit_export(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "accounts/audit.html", {"form": form, "page": None}, status=400)
    audit.record(
        AuditKind.AUDIT_EXPORT, request=request, actor=request.user, detail=filters.as_detail()
    )
    response = StreamingHttpResponse(
        audit.csv_lines(filters), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    # Streamed: a long date range is many rows. role_required is typed for HttpResponse only.
    return cast(HttpResponse, response)
