"""Template pieces of the outcomes app for other apps' pages."""

from typing import Any

from django import template

from accounts.models import Role
from rehab.outcomes.services import questionnaires_due
from rehab.programs.services import patient_today

register = template.Library()


@register.inclusion_tag("outcomes/questionnaire_due_card.html", takes_context=True)
def questionnaires_due_card(context: dict[str, Any]) -> dict[str, Any]:
    """The patient's questionnaires due today (in their time zone), as a card with a link to
    each; renders nothing when none is due or the viewer is not a patient."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != Role.PATIENT:
        return {"due": []}
    return {"due": questionnaires_due(user, patient_today(user))}
