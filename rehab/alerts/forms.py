from django import forms

from .models import RED_FLAG_QUESTIONS, Rule

YES_NO = [("yes", "Yes"), ("no", "No")]


class CheckinForm(forms.Form):
    """One required yes/no per red-flag question: no answer is not taken as a no."""

    note = forms.CharField(
        label="Anything else you want your therapist to know? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        questions = {
            key: forms.ChoiceField(
                label=label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer yes or no."},
            )
            for key, label in RED_FLAG_QUESTIONS
        }
        self.fields = {**questions, "note": self.fields["note"]}

    def answers(self) -> dict[str, bool]:
        return {key: self.cleaned_data[key] == "yes" for key, _ in RED_FLAG_QUESTIONS}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _ in RED_FLAG_QUESTIONS]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What did you do or decide?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the alert, e.g. “Phoned; symptoms settled, keep program.”",
        error_messages={"required": "Say what you did or decided, for the record."},
    )


STATUS_CHOICES = [("open", "Open"), ("acknowledged", "Acknowledged"), ("all", "All")]


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    rule = forms.ChoiceField(choices=[("", "Any reason"), *Rule.choices], required=False)
