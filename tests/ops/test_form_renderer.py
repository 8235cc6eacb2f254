"""FastRenderer writes the common widgets in Python: the HTML must be exactly what Django's own
widget templates render, escaping included, for every widget the project's forms use."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from rehab.ops.forms import FastRenderer

NASTY = "\"Quotes' & <tags> done"


class Everything(forms.Form):
    text = forms.CharField(
        max_length=20, help_text="Help", widget=forms.TextInput({"placeholder": NASTY})
    )
    number = forms.IntegerField(min_value=0, max_value=20, required=False)
    email = forms.EmailField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    flag = forms.BooleanField(required=False)
    choice = forms.TypedChoiceField(
        choices=[("", "Not recorded"), *[(n, str(n)) for n in range(11)]], coerce=int
    )
    grouped = forms.ChoiceField(
        choices=[("Neck", [("a", NASTY), ("b", "B")]), ("c", "C <plain>")], required=False
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    disabled = forms.CharField(disabled=True, required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": NASTY,
            "number": "7",
            "email": "a@b.c",
            "hidden": NASTY,
            "date": "2026-01-02",
            "flag": "on",
            "choice": "3",
            "grouped": "a",
            "many": ["x", "y"],
            "note": NASTY + "\nsecond line",
        },
        {"number": "not a number", "choice": "99", "grouped": "zzz"},
    ],
    ids=["unbound", "bound", "invalid"],
)
def test_every_widget_renders_exactly_as_django_templates_render_it(data):
    initial = {"text": "<b>", "note": "", "flag": True}
    fast = Everything(data, initial=initial, renderer=FastRenderer())
    slow = Everything(data, initial=initial, renderer=DjangoTemplates())
    for name in fast.fields:
        assert str(fast[name]) == str(slow[name]), name


def test_a_widget_it_does_not_know_falls_back_to_its_template():
    class Radio(forms.Form):
        radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    html = str(Radio(renderer=FastRenderer())["radio"])
    assert html == str(Radio(renderer=DjangoTemplates())["radio"])
    assert 'type="radio"' in html


def test_the_project_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastRenderer)
