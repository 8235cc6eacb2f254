"""`input_html` writes what Django's widgets write, for every input of the Today entry form."""

import pytest

from rehab.programs.forms import EntryFormSet, input_html

INPUTS = ["item_id", "sets_done", "reps_done", "hold_seconds_done", "skip_reason"]


def formset(data=None):
    initial = [
        {"item_id": 7, "sets_done": 2, "reps_done": 10, "hold_seconds_done": 5},
        {"item_id": 8, "sets_done": 1, "reps_done": 8, "hold_seconds_done": 0},
    ]
    return EntryFormSet(data, initial=initial, prefix="entry")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {  # valid: done, and skipped with a reason that needs escaping
            "entry-TOTAL_FORMS": "2",
            "entry-INITIAL_FORMS": "2",
            "entry-0-item_id": "7",
            "entry-0-done": "on",
            "entry-0-sets_done": "2",
            "entry-0-reps_done": "",
            "entry-0-hold_seconds_done": "5",
            "entry-1-item_id": "8",
            "entry-1-skipped": "on",
            "entry-1-skip_reason": '<b>"sore"</b> & tired',
        },
        {  # errors: out of range, not a number, skipped without a reason, a bad hidden id
            "entry-TOTAL_FORMS": "2",
            "entry-INITIAL_FORMS": "2",
            "entry-0-item_id": "x",
            "entry-0-sets_done": "99",
            "entry-0-reps_done": "ten",
            "entry-0-hold_seconds_done": "-1",
            "entry-1-item_id": "8",
            "entry-1-skipped": "on",
        },
    ],
    ids=["unbound", "valid", "errors"],
)
def test_input_html_writes_what_the_widget_writes(data):
    entries = formset(data)
    entries.is_valid()
    for form in entries:
        for name in INPUTS:
            assert input_html(form[name]) == str(form[name]), name


def test_today_writes_an_unbound_forms_inputs_without_building_it():
    """Today writes the inputs of a fresh page from the initial values (`_initial_fields`), and
    of a submitted one from the bound forms (`_form_fields`): for an unbound form both must
    write the same."""
    from exercises.models import Exercise
    from rehab.programs.models import ProgramItem
    from rehab.programs.views import _entry_fieldset, _form_fields, _initial_fields

    entries = formset()
    exercise = Exercise(name='Chin <tuck> & "hold"')
    items = [
        ProgramItem(pk=7, sets=2, reps=10, hold_seconds=5, exercise=exercise),
        ProgramItem(pk=8, sets=1, reps=8, hold_seconds=0, exercise=exercise),
    ]
    for index, (item, form) in enumerate(zip(items, entries, strict=True)):
        fresh = _initial_fields(entries.add_prefix(index), entries.initial[index])
        bound = _form_fields(form)
        for name in [*INPUTS, "done", "skipped"]:
            assert fresh(name) == bound(name), name
        for is_task in (False, True):
            assert _entry_fieldset(fresh, item, is_task) == _entry_fieldset(bound, item, is_task)


def test_today_writes_the_management_form_as_its_template_does():
    from rehab.programs.views import _management_form

    entries = formset()
    assert _management_form(entries) == str(entries.management_form).strip()
