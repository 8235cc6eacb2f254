from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Role
from rehab.alerts.selectors import open_alert_count

_NAV = {
    Role.PATIENT: [("Today", "today"), ("Progress", "progress"), ("Exercises", "library")],
    Role.THERAPIST: [
        ("Caseload", "caseload"),
        ("Alerts", "alert_list"),
        ("Exercise library", "library"),
        ("Protocols", "protocol_list"),
    ],
    Role.STAFF: [
        ("Clinic", "clinic_home"),
        ("People", "staff_people"),
        ("Alerts", "alert_list"),
        ("Exercise library", "library"),
        ("Protocols", "protocol_list"),
        ("Audit", "staff_audit"),
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
        count = open_alert_count(user) if name == "alert_list" else 0
        items.append(
            {"label": label, "url": url, "current": request.path.startswith(url), "count": count}
        )
    return {"nav_items": items}
