from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from .models import Role, User


class InvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.PATIENT)
    therapist = forms.ModelChoiceField(
        label="Therapist (for a patient)",
        queryset=User.objects.none(),
        required=False,
        help_text="The patient joins this therapist's caseload when they accept.",
    )

    def __init__(self, *args: object, clinic_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapist"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            clinic_id=clinic_id, role=Role.THERAPIST, is_active=True
        ).order_by("full_name")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("therapist") and data.get("role") != Role.PATIENT:
            self.add_error("therapist", "Only patients join a therapist's caseload.")
        return data


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords do not match.")
        return data


class CareTeamForm(forms.Form):
    therapists = forms.ModelMultipleChoiceField(
        label="Therapists responsible for this patient",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, clinic_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["therapists"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            clinic_id=clinic_id, role=Role.THERAPIST
        ).order_by("full_name")
