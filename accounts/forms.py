import re
import zoneinfo

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from .models import Clinic, PatientProfile, Role, User

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


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


class PatientDetailsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=[(tz, tz) for tz in sorted(zoneinfo.available_timezones())],
        help_text="Reminders are sent at the patient's local time.",
    )
    reminder_times = forms.CharField(
        label="Preferred reminder times",
        required=False,
        help_text="24-hour times separated by commas, e.g. 08:00, 18:30.",
    )

    class Meta:
        model = PatientProfile
        fields = ["time_zone", "reminder_times", "date_of_birth", "condition_notes"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "condition_notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"date_of_birth": "Date of birth", "condition_notes": "Condition notes"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance and isinstance(self.instance.reminder_times, list):
            self.initial["reminder_times"] = ", ".join(self.instance.reminder_times)

    def clean_reminder_times(self) -> list[str]:
        raw = self.cleaned_data.get("reminder_times") or ""
        times = [part.strip() for part in raw.split(",") if part.strip()]
        bad = [t for t in times if not _TIME.match(t)]
        if bad:
            raise forms.ValidationError(f"Use 24-hour times like 08:00 (not {', '.join(bad)}).")
        if len(times) > 12:
            raise forms.ValidationError("At most 12 reminder times a day.")
        return sorted(set(times))

    def clean_date_of_birth(self) -> object:
        from django.utils import timezone

        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        return value


class ClinicSettingsForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = ["name", "time_zone", "no_session_alert_days", "adherence_threshold_percent"]
        labels = {"name": "Clinic name", "time_zone": "Default time zone for new patients"}
