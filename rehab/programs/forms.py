"""Forms for the patient's session log."""

import uuid
from datetime import date, timedelta

from django import forms

from .models import Difficulty
from .services import BACKFILL_DAYS

PAIN_CHOICES = [(n, str(n)) for n in range(11)]


def day_choices(today: date) -> list[tuple[str, str]]:
    choices = []
    for back in range(BACKFILL_DAYS + 1):
        day = today - timedelta(days=back)
        label = "Today" if back == 0 else "Yesterday" if back == 1 else f"{day:%A %-d %B}"
        choices.append((day.isoformat(), label))
    return choices


class SessionForm(forms.Form):
    performed_on = forms.TypedChoiceField(
        label="When did you do this session?", coerce=date.fromisoformat
    )
    pain_before = forms.TypedChoiceField(
        label="Neck pain before (0 = none, 10 = worst imaginable)",
        choices=[("", "Not recorded"), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    pain_after = forms.TypedChoiceField(
        label="Neck pain after",
        choices=[("", "Not recorded"), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    difficulty = forms.TypedChoiceField(
        label="How hard was it?",
        choices=[("", "Not recorded"), *Difficulty.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label="Anything to tell your therapist?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(
        self, data: object = None, *, today: date, initial: dict[str, object] | None = None
    ) -> None:
        # A fresh key per rendered form: sending the same form twice stores one session.
        initial = {"idempotency_key": uuid.uuid4().hex, "performed_on": today.isoformat()} | (
            initial or {}
        )
        super().__init__(data, initial=initial)  # type: ignore[arg-type]
        self.fields["performed_on"].choices = day_choices(today)  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(label="I did this exercise", required=False)
    sets_done = forms.IntegerField(label="Sets done", min_value=0, max_value=20, required=False)
    reps_done = forms.IntegerField(
        label="Reps in each set", min_value=0, max_value=100, required=False
    )
    hold_seconds_done = forms.IntegerField(
        label="Seconds held", min_value=0, max_value=600, required=False
    )
    skipped = forms.BooleanField(label="I skipped it", required=False)
    skip_reason = forms.CharField(label="Why did you skip it?", max_length=200, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("skipped") and not (data.get("skip_reason") or "").strip():
            self.add_error("skip_reason", "Tell your therapist why you skipped it.")
        if data.get("done") and data.get("skipped"):
            self.add_error("skipped", "Choose either done or skipped.")
        return data


EntryFormSet = forms.formset_factory(EntryForm, extra=0)
