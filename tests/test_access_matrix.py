"""Who may open what: every page and endpoint of the project, for every persona.

Codes are written out per persona, in this order:
anonymous, alice (patient), bob (another patient), carol (alice's therapist),
dave (another therapist of the clinic), erin (therapist of another clinic),
frank (staff), grace (staff of another clinic).
Foreign objects answer 404; pages of another role answer 403; anonymous users go to sign-in.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import ExerciseFactory

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace"]

ALL_PAGES = [302, 200, 200, 200, 200, 200, 200, 200]
API_READ = [403, 200, 200, 200, 200, 200, 200, 200]
STAFF_ONLY = [302, 403, 403, 403, 403, 403, 200, 200]
# A clinic-A object: staff of A acts (redirect after POST), staff of B gets 404.
STAFF_A_POST = [302, 403, 403, 403, 403, 403, 302, 404]

MATRIX: list[tuple[str, str, list[int]]] = [
    ("GET", "/", [302, 302, 302, 302, 302, 302, 302, 302]),
    ("GET", "/home/", [302, 302, 302, 302, 302, 302, 302, 302]),
    ("GET", "/today/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/caseload/", [302, 403, 403, 200, 200, 200, 403, 403]),
    ("GET", "/clinic/", STAFF_ONLY),
    ("GET", "/staff/people/", STAFF_ONLY),
    ("GET", "/staff/people/invite/", STAFF_ONLY),
    ("GET", "/staff/people/{alice}/", [302, 403, 403, 403, 403, 403, 200, 404]),
    ("POST", "/staff/people/{alice}/care-team/", STAFF_A_POST),
    ("POST", "/staff/people/{alice}/details/", [302, 403, 403, 403, 403, 403, 400, 404]),
    ("POST", "/staff/people/{alice}/deactivate/", STAFF_A_POST),
    ("POST", "/staff/people/{alice}/reactivate/", STAFF_A_POST),
    ("POST", "/staff/invitations/{invitation}/resend/", STAFF_A_POST),
    ("POST", "/staff/invitations/{invitation}/revoke/", STAFF_A_POST),
    ("GET", "/patients/{alice}/", [302, 403, 403, 200, 404, 404, 200, 404]),
    ("GET", "/invite/{token}/", [200, 409, 409, 409, 409, 409, 409, 409]),
    ("GET", "/library/", ALL_PAGES),
    ("GET", "/library/new/", [302, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/library/{shared}/", ALL_PAGES),
    ("GET", "/library/{private}/", [302, 200, 200, 200, 200, 404, 200, 404]),
    ("GET", "/library/{private}/edit/", [302, 403, 403, 200, 200, 404, 200, 404]),
    ("GET", "/library/{shared}/edit/", [302, 403, 403, 403, 403, 403, 403, 403]),
    ("GET", "/library/{private}/image/", [302, 404, 404, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/me/", API_READ),
    ("GET", "/api/v1/exercises/", API_READ),
    ("GET", "/api/v1/exercises/{shared}/", API_READ),
    ("GET", "/api/v1/exercises/{private}/", [403, 200, 200, 200, 200, 404, 200, 404]),
    ("GET", "/api/v1/muscles/", API_READ),
    ("GET", "/api/schema/", [200] * 8),
    ("GET", "/api/docs/", [200] * 8),
]

# Patterns whose access is tested elsewhere (allauth's own, Django admin, health, static assets).
NOT_IN_MATRIX_PREFIXES = ("accounts/", "admin/", "healthz", "api/docs/")


@pytest.fixture
def objects(world, django_capture_on_commit_callbacks):
    from accounts import services

    shared = ExerciseFactory(clinic=None)
    private = ExerciseFactory(clinic=world.clinic_a, slug="clinic-a-only")
    invitation = services.invitation_create(
        clinic=world.clinic_a,
        invited_by=world.frank,
        email="new@example.org",
        full_name="New Person",
        role="patient",
    )
    token = "a-token-known-to-the-test"
    invitation.token_hash = services.hash_token(token)
    invitation.save(update_fields=["token_hash"])
    return {
        "alice": world.alice.public_id,
        "shared": shared.public_id,
        "private": private.public_id,
        "invitation": invitation.public_id,
        "token": token,
    }


CASES = [
    pytest.param(method, url, persona, codes[i], id=f"{method} {url} as {persona}")
    for method, url, codes in MATRIX
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("method", "url", "persona", "expected"), CASES)
def test_access(client, world, objects, method, url, persona, expected):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    path = url.format(**objects)
    response = client.get(path) if method == "GET" else client.post(path)
    assert response.status_code == expected, (
        f"{method} {path} as {persona}: {response.status_code}, expected {expected}"
    )


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def test_every_url_pattern_is_in_the_matrix():
    import re

    def shape(route: str) -> str:
        return re.sub(r"<[^>]+>", "X", route.lstrip("^").rstrip("$"))

    covered = {shape(re.sub(r"\{[^}]+\}", "<x>", url.lstrip("/"))) for _, url, _ in MATRIX}
    missing = [
        route
        for route in _routes(get_resolver())
        if not route.startswith(NOT_IN_MATRIX_PREFIXES) and shape(route) not in covered
    ]
    assert missing == [], f"URL patterns without access expectations: {missing}"
