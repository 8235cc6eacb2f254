"""REST API for the therapist's caseload dashboard (the same rows as GET /caseload/).

Conventions of the programs API (rehab/programs/api/common.py): 400 with field errors, 403 for a
role that may not use the endpoint.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from accounts.models import Role
from rehab.outcomes import dashboards
from rehab.programs.api.common import FORBIDDEN, _bad_request, _require_role, _validated


class CaseloadFilterSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in dashboards.Reason],
        required=False,
        help_text="Only patients flagged for this reason.",
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="Part of the patient's name or email."
    )
    show = serializers.ChoiceField(
        choices=["all", "attention"],
        required=False,
        default="all",
        help_text="`attention`: only patients with at least one reason.",
    )


class CaseloadPatientSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The patient's id.")
    name = serializers.CharField(source="full_name", help_text="Their full name.")
    email = serializers.EmailField(help_text="Their email address.")
    time_zone = serializers.SerializerMethodField(help_text="Their IANA time zone.")

    def get_time_zone(self, patient: Any) -> str:
        return dashboards.zone_of(patient)


class FlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in dashboards.Reason], help_text="The reason's code."
    )
    # DRF's metaclass moves declared fields off the class, so this does not shadow `.label`.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='In words, with the figure: "Pain 6/10, up 3.0".'
    )


class CaseloadRowSerializer(serializers.Serializer):
    patient = CaseloadPatientSerializer()
    reasons = FlagSerializer(
        many=True, source="flags", help_text="Why the patient needs attention, most urgent first."
    )
    open_alerts = serializers.IntegerField(help_text="Open (unacknowledged) alerts, any rule.")
    open_red_flags = serializers.IntegerField(help_text="Open red-flag alerts.")
    adherence_7_days = serializers.FloatField(
        source="adherence",
        allow_null=True,
        help_text="Doses done / doses expected over the patient's last 7 local days (0 to 1); "
        "null when nothing was prescribed.",
    )
    adherence_by_week = serializers.ListField(
        source="weekly",
        child=serializers.FloatField(allow_null=True),
        help_text="The same per week over the last 4 weeks, oldest first (null: nothing "
        "prescribed that week).",
    )
    last_session_on = serializers.DateField(
        allow_null=True, help_text="The patient's local date of their last session; null: never."
    )
    days_without_session = serializers.IntegerField(
        allow_null=True,
        help_text="Whole days since the last session, today not counted (since the program "
        "began when none was logged); null without a session or an active program.",
    )
    pain_latest = serializers.IntegerField(
        allow_null=True, help_text="The worse of pain before/after in the latest session with pain."
    )
    pain_baseline = serializers.FloatField(
        allow_null=True,
        help_text="Mean pain before exercise over the first three sessions that recorded it; "
        "null until there are three, or when the latest session is one of them.",
    )
    ndi_first = serializers.FloatField(allow_null=True, help_text="First scored NDI, percent.")
    ndi_latest = serializers.FloatField(allow_null=True, help_text="Latest scored NDI, percent.")
    # A plain string: the same choices as a program's `status` (one enum in the schema).
    program_status = serializers.CharField(
        allow_blank=True,
        help_text="Status of the current program: `active`, else `paused`, else `ended`; "
        "empty when the patient has no program.",
    )
    today = serializers.DateField(help_text="The patient's local date the figures are for.")


@extend_schema_view(
    get=extend_schema(
        summary="The caller's caseload, those needing attention first",
        description=(
            "Therapists only. Every active patient on the caller's caseload with the reasons "
            "they need attention (open red flag, open alerts, pain up 2+ from baseline, "
            "adherence over the last 7 days below the clinic's threshold, NDI worse by 5+ raw "
            "points since the first, no session for the clinic's number of days while "
            "something is prescribed), sorted: red flag, open alerts, number of reasons, lowest "
            "adherence, name. The same rows as the caseload page."
        ),
        parameters=[CaseloadFilterSerializer],
        responses={
            200: CaseloadRowSerializer(many=True),
            400: _bad_request(("Bad filter", {"reason": ['"x" is not a valid choice.']})),
            403: FORBIDDEN,
        },
    )
)
class Caseload(generics.ListAPIView):
    serializer_class = CaseloadRowSerializer

    def get_queryset(self) -> list[dashboards.CaseloadRow]:  # type: ignore[override]
        user = _require_role(
            self.request, Role.THERAPIST, message="The caseload is for therapists."
        )
        params = _validated(CaseloadFilterSerializer, self.request.query_params)
        filters = dashboards.CaseloadFilters(
            reason=dashboards.Reason(params["reason"]) if params.get("reason") else None,
            query=params.get("q", "").strip(),
            attention_only=params["show"] == "attention",
        )
        rows = dashboards.caseload_rows(therapist=user, query=filters.query)
        return dashboards.filter_rows(rows, filters)
