"""Staff pages for the clinic's people, and accepting an invitation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import AuthedRequest, clinic_id_of, get_member_or_404, role_required
from .forms import AcceptInvitationForm, CareTeamForm, InvitationForm, PatientDetailsForm
from .models import Role


def _apply_errors(form: object, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error(None, error)  # type: ignore[attr-defined]


@role_required(Role.STAFF)
def people(request: AuthedRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    status = request.GET.get("status", "active")
    query = request.GET.get("q", "").strip()
    members = selectors.clinic_people(viewer=request.user, role=role, status=status, query=query)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/people.html",
        {
            "page": page,
            "role": role,
            "status": status,
            "q": query,
            "roles": Role.choices,
            "invitations": selectors.pending_invitations(viewer=request.user),
        },
    )


@role_required(Role.STAFF)
def invite(request: AuthedRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, clinic_id=clinic_id_of(request.user))
    clinic = request.user.clinic
    assert clinic is not None  # role_required lets only clinic members in
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                clinic=clinic,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                therapist=form.cleaned_data["therapist"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once and expires in "
                f"{settings.INVITATION_DAYS} days.",
            )
            return redirect("staff_people")
    return render(request, "accounts/invite.html", {"form": form})


@role_required(Role.STAFF)
def person(request: AuthedRequest, public_id: str) -> HttpResponse:
    member = get_member_or_404(request.user, public_id)
    care_team_form = details_form = None
    if member.is_patient:
        details_form = PatientDetailsForm(instance=services.patient_profile_for(patient=member))
        care_team_form = CareTeamForm(
            clinic_id=clinic_id_of(request.user),
            initial={
                "therapists": list(member.care_team_links.values_list("therapist", flat=True))
            },
        )
    return render(
        request,
        "accounts/person.html",
        {
            "member": member,
            "care_team_form": care_team_form,
            "details_form": details_form,
            "caseload": (selectors.caseload(therapist=member) if member.is_therapist else None),
        },
    )


@require_POST
@role_required(Role.STAFF)
def person_care_team(request: AuthedRequest, public_id: str) -> HttpResponse:
    member = get_member_or_404(request.user, public_id)
    form = CareTeamForm(request.POST, clinic_id=clinic_id_of(request.user))
    if not member.is_patient:
        messages.error(request, "Only patients have a care team.")
    elif form.is_valid():
        services.caseload_set_therapists(
            patient=member, therapists=list(form.cleaned_data["therapists"]), by=request.user
        )
        messages.success(request, f"Care team of {member.full_name} updated.")
    else:
        messages.error(request, "Choose therapists from the list.")
    return redirect("staff_person", public_id=member.public_id)


@require_POST
@role_required(Role.STAFF)
def person_details(request: AuthedRequest, public_id: str) -> HttpResponse:
    member = get_member_or_404(request.user, public_id)
    if not member.is_patient:
        raise Http404("Only patients have these details.")
    form = PatientDetailsForm(request.POST, instance=services.patient_profile_for(patient=member))
    if form.is_valid():
        form.save()
        messages.success(request, f"Details of {member.full_name} saved.")
        return redirect("staff_person", public_id=member.public_id)
    return render(
        request,
        "accounts/person.html",
        {"member": member, "details_form": form, "care_team_form": None, "caseload": None},
        status=400,
    )


@require_POST
@role_required(Role.STAFF)
def person_deactivate(request: AuthedRequest, public_id: str) -> HttpResponse:
    member = get_member_or_404(request.user, public_id)
    try:
        services.user_deactivate(user=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.full_name} can no longer sign in.")
    return redirect("staff_person", public_id=member.public_id)


@require_POST
@role_required(Role.STAFF)
def person_reactivate(request: AuthedRequest, public_id: str) -> HttpResponse:
    member = get_member_or_404(request.user, public_id)
    services.user_reactivate(user=member)
    messages.success(request, f"{member.full_name} can sign in again.")
    return redirect("staff_person", public_id=member.public_id)


@require_POST
@role_required(Role.STAFF)
def invitation_resend(request: AuthedRequest, public_id: str) -> HttpResponse:
    invitation = selectors.get_invitation_or_404(viewer=request.user, public_id=public_id)
    services.invitation_resend(invitation=invitation)
    messages.success(
        request, f"A new link was sent to {invitation.email}; the old one no longer works."
    )
    return redirect("staff_people")


@require_POST
@role_required(Role.STAFF)
def invitation_revoke(request: AuthedRequest, public_id: str) -> HttpResponse:
    invitation = selectors.get_invitation_or_404(viewer=request.user, public_id=public_id)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("staff_people")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link may use it, once, before it expires."""
    if request.user.is_authenticated:
        return render(request, "accounts/invitation_signed_in.html", status=409)
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationUnusable:
            return render(request, "accounts/invitation_invalid.html", status=404)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _apply_errors(form, error)
            else:
                form.add_error("password1", error)
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(
                request, f"Welcome to {invitation.clinic.name}, {user.get_short_name()}."
            )
            return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )
