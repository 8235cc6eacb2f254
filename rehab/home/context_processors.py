from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Role

_NAV = {
    Role.PATIENT: [("Today", "today"), ("Exercises", "library")],
    Role.THERAPIST: [
        ("Caseload", "caseload"),
        ("Exercise library", "library"),
        ("Protocols", "protocol_list"),
    ],
    Role.STAFF: [
        ("Clinic", "clinic_home"),
        ("People", "staff_people"),
        ("Exercise library", "library"),
        ("Protocols", "protocol_list"),
    ],
}


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu for the signed-in user's role, with the current section marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.clinic_id is None:
        return {"nav_items": []}
    items = []
    for label, name in _NAV.get(user.role, []):
        url = reverse(name)
        items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"nav_items": items}
