"""Every URL pattern says whether it shows health data (accounts/audit.py HEALTH_ROUTES), so a
new page or endpoint cannot forget its read log."""

from django.urls import URLPattern, URLResolver, get_resolver

from accounts import audit


def _view_names(resolver: URLResolver, namespace: str = "", prefix: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_view_names(pattern, inner, route))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or '<unnamed ' + route + '>'}")
    return names


def test_every_url_pattern_is_classified_as_health_data_or_not():
    unclassified = [name for name in _view_names(get_resolver()) if audit.route_class(name) is None]
    assert unclassified == [], (
        f"Add these routes to HEALTH_ROUTES or NOT_HEALTH_ROUTES in accounts/audit.py: "
        f"{unclassified}"
    )


def test_no_route_is_both_and_every_classified_route_exists():
    assert not set(audit.HEALTH_ROUTES) & audit.NOT_HEALTH_ROUTES
    names = set(_view_names(get_resolver()))
    stale = (set(audit.HEALTH_ROUTES) | audit.NOT_HEALTH_ROUTES) - names
    assert stale == set(), f"Classified routes that no longer exist: {stale}"


def test_pages_and_endpoints_about_one_patient_are_health_reads():
    for name in (
        "patient_detail",
        "api_patient_progress",
        "outcome_detail",
        "api_session_detail",
        "program_detail",
        "alert_detail",
        "checkin_detail",
        "posture_photo_image",
        "posture_patient_workstation",
        "patient_questionnaires",
    ):
        assert audit.route_class(name) == audit.READ, name
    assert audit.route_class("patient_export_csv") == audit.EXPORT
    assert audit.route_class("staff_audit") == ""
    assert audit.route_class("a_route_nobody_classified") is None
