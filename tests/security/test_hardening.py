"""Hardening, proven on the running app: cache rules, security headers, CSP without inline
scripts on every page, cookies and HTTPS in production settings, rate limits, password rules and
session limits.

Covered elsewhere, and not repeated here:
- session idle timeout and absolute lifetime: tests/accounts/test_session_lifetime.py (pages);
  the API is checked below.
- MFA for therapists and staff (enrolment forced, API refused, code asked at sign-in):
  tests/accounts/test_mfa.py.
- uploads validated by decoding (type by content, size, decompression bombs, truncated files,
  metadata stripped): tests/outcomes/test_photos.py.
"""

import re
import time
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from rehab.ops.middleware import NoStoreMiddleware
from tests.factories import PASSWORD
from tests.security.test_deploy_check import production_settings
from tests.test_access_matrix import MATRIX, PERSONAS, objects  # noqa: F401 (fixture)

GET_ROUTES = [url for method, url, _ in MATRIX if method == "GET"]

# Pages outside the matrix (allauth's own), with who opens them.
ACCOUNT_PAGES = [
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password/reset/"),
    ("alice", "/accounts/password/change/"),
    ("alice", "/accounts/sessions/"),
    ("carol", "/accounts/2fa/"),
    ("anonymous", "/accounts/password/reset/done/"),
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """allauth counts attempts in the cache (a database table); every test starts from nothing."""
    cache.clear()
    yield
    cache.clear()


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


# --- Cache-Control: no-store --------------------------------------------------------------------


def _walk(client, world, objects, persona):  # noqa: F811 (objects is the fixture)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    for url in GET_ROUTES:
        path = url.format(**objects)
        yield path, client.get(path)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_and_api_response_is_no_store_and_private(client, world, objects, persona):  # noqa: F811
    missing = [
        f"{path} ({response.status_code}): {response.get('Cache-Control')!r}"
        for path, response in _walk(client, world, objects, persona)
        if not {"no-store", "private"} <= _cache_control(response)
    ]
    assert missing == [], f"as {persona}, without no-store/private: {missing}"


def test_the_api_is_no_store_even_for_anonymous_callers_and_errors(client):
    for path in ("/api/v1/me/", "/api/v1/sessions/", "/api/schema/", "/api/v1/nothing-here/"):
        assert {"no-store", "private"} <= _cache_control(client.get(path)), path


def test_static_files_stay_cacheable(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders (no collectstatic)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)


def test_healthz_is_left_to_its_own_never_cache(client):
    assert "no-store" in _cache_control(client.get("/healthz"))  # never_cache on the view
    assert "Cache-Control" not in _through_middleware("/healthz", None)


def _through_middleware(path: str, cache_control: str | None) -> HttpResponse:
    def view(request):
        response = HttpResponse("x")
        if cache_control is not None:
            response["Cache-Control"] = cache_control
        return response

    return NoStoreMiddleware(view)(RequestFactory().get(path))


def test_a_stricter_header_set_by_the_view_is_kept():
    response = _through_middleware("/record/", "no-cache, must-revalidate, max-age=0")
    assert _cache_control(response) == {
        "no-cache",
        "must-revalidate",
        "max-age=0",
        "no-store",
        "private",
    }


def test_a_public_header_set_by_a_view_is_made_private():
    response = _through_middleware("/api/v1/exercises/", "public, max-age=600")
    assert "public" not in _cache_control(response)
    assert {"no-store", "private"} <= _cache_control(response)


def test_static_paths_are_not_touched_by_the_middleware():
    assert "Cache-Control" not in _through_middleware("/static/js/app.js", None)


# --- Headers and CSP on every rendered page -----------------------------------------------------


class _ScriptScan(HTMLParser):
    """Collects inline scripts (other than JSON data blocks) and inline event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        inline = tag == "script" and not names.get("src")
        if inline and (names.get("type") or "").lower() != "application/json":
            self.problems.append(f"<script> without src: {self.get_starttag_text()}")
        for name, _ in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name.lower() == "href" and (names.get(name) or "").lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")


def _csp(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _header_problems(path: str, response) -> list[str]:
    problems = []
    csp = _csp(response)
    if not csp:
        problems.append(f"{path}: no Content-Security-Policy")
    else:
        script_src = csp.get("script-src", csp.get("default-src", []))
        if "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
            problems.append(f"{path}: script-src allows inline/eval: {script_src}")
        if csp.get("frame-ancestors") != ["'none'"]:
            problems.append(f"{path}: frame-ancestors {csp.get('frame-ancestors')}")
        if csp.get("object-src") != ["'none'"]:
            problems.append(f"{path}: object-src {csp.get('object-src')}")
    expected = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{path}: {name}={response.get(name)!r}")
    # same-origin everywhere; the calendar feed (a secret link) sends no referrer at all.
    if response.get("Referrer-Policy") not in ("same-origin", "no-referrer"):
        problems.append(f"{path}: Referrer-Policy={response.get('Referrer-Policy')!r}")
    return problems


def _html_problems(path: str, response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    scan = _ScriptScan()
    scan.feed(response.content.decode())
    return [f"{path}: {problem}" for problem in scan.problems]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_has_the_security_headers_and_no_inline_script(client, world, objects, persona):  # noqa: F811
    problems: list[str] = []
    pages = 0
    for path, response in _walk(client, world, objects, persona):
        if path.startswith("/api/") or response.status_code in (301, 302):
            continue
        pages += response.get("Content-Type", "").startswith("text/html")
        problems += _header_problems(path, response)
        problems += _html_problems(path, response)
    assert problems == []
    if persona != "anonymous":
        assert pages >= 5, "the walk rendered pages"


@pytest.mark.parametrize(("persona", "path"), ACCOUNT_PAGES)
def test_account_pages_have_the_headers_and_no_inline_script(client, world, persona, path):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    assert _header_problems(path, response) + _html_problems(path, response) == []
    assert {"no-store", "private"} <= _cache_control(response)


def test_enrolling_an_authenticator_needs_no_inline_script(client, world):
    from tests.factories import TherapistFactory

    client.force_login(TherapistFactory(clinic=world.clinic_a))
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert _header_problems("totp", response) + _html_problems("totp", response) == []


def test_the_scan_finds_inline_script_and_handlers():
    page = HttpResponse(
        '<script type="application/json" id="d">{}</script><script src="/static/a.js"></script>'
        '<script>alert(1)</script><button onclick="x()">x</button><a href="javascript:x()">y</a>',
        content_type="text/html",
    )
    assert len(_html_problems("/p/", page)) == 3


# --- HTTPS, HSTS and cookies in production settings ---------------------------------------------


@pytest.fixture(scope="module")
def production():
    """The security settings as rehab/settings.py computes them with a production environment."""
    return production_settings()


@pytest.fixture
def prod(settings, production):
    for name, value in production.items():
        setattr(settings, name, value)
    return settings


def test_production_settings_are_the_strict_ones(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["DEBUG"] is False


def test_plain_http_is_redirected_to_https(client, world, prod):
    response = client.get("/accounts/login/?next=/today/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/?next=/today/"
    api = client.get("/api/v1/me/")
    assert api.status_code == 301 and api["Location"].startswith("https://")


def test_healthz_answers_over_plain_http_for_the_load_balancer(client, prod):
    assert client.get("/healthz").status_code in (200, 503)


def test_https_responses_carry_hsts_with_subdomains_and_preload(client, prod):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    parts = [part.strip() for part in response["Strict-Transport-Security"].split(";")]
    assert parts[0] == f"max-age={prod.SECURE_HSTS_SECONDS}"
    assert {"includeSubDomains", "preload"} <= set(parts)


def _cookie_flags(cookie) -> dict[str, object]:
    return {
        "secure": bool(cookie["secure"]),
        "httponly": bool(cookie["httponly"]),
        "samesite": cookie["samesite"],
    }


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, world, prod):
    page = client.get("/accounts/login/", secure=True)
    assert _cookie_flags(page.cookies["csrftoken"]) == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
    response = client.post(
        "/accounts/login/", {"login": world.alice.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert _cookie_flags(session) == {"secure": True, "httponly": True, "samesite": "Lax"}
    # Gone when the browser closes: neither an expiry date nor a max-age.
    assert not session["expires"] and not session["max-age"]


def test_signing_in_over_https_still_works_with_the_httponly_csrf_cookie(world, prod):
    """Forms carry the token; no script needs to read the cookie."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", secure=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(
        "/accounts/login/",
        {"login": world.alice.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        secure=True,
        headers={"Referer": "https://testserver/accounts/login/"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


# --- Rate limits --------------------------------------------------------------------------------

TOO_MANY = "Too many failed login attempts"


def _login(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_five_failed_sign_ins_lock_the_account_even_against_the_right_password(client, world):
    for _ in range(5):
        response = _login(client, world.alice.email, "wrong-password-here")
        assert response.status_code == 200 and TOO_MANY not in response.content.decode()
    locked = _login(client, world.alice.email, PASSWORD)
    assert locked.status_code == 200
    assert TOO_MANY in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by alice's failures.
    assert _login(client, world.bob.email, PASSWORD).status_code == 302


def test_ten_failures_from_one_address_lock_every_account_from_it(client, world):
    for n in range(10):
        _login(client, f"nobody{n}@example.org", "wrong-password-here")
    refused = _login(client, world.alice.email, PASSWORD)
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session
    other_address = client.post(
        "/accounts/login/",
        {"login": world.alice.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other_address.status_code == 302


def test_password_reset_requests_are_limited_per_address_and_account(client, world):
    for _ in range(5):
        assert client.post("/accounts/password/reset/", {"email": world.alice.email}).status_code
    assert len(mail.outbox) == 5
    refused = client.post("/accounts/password/reset/", {"email": world.alice.email})
    assert refused.status_code == 429
    assert len(mail.outbox) == 5, "no sixth email"


def test_the_rate_limits_are_configured(settings):
    from allauth.account import app_settings

    limits = app_settings.RATE_LIMITS
    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    assert limits["reset_password"] == "20/m/ip,5/m/key"
    assert limits["reset_password_from_key"] == "20/m/ip"
    assert limits["login"]  # allauth's overall per-address sign-in limit stays on


# --- Password rules -----------------------------------------------------------------------------

SHORT = "Xq7#mLp2!vR"  # 11 characters, otherwise strong
COMMON = "qwertyqwerty"  # 12 characters, on Django's common-password list
GOOD = "a-long-and-unusual-passphrase"


@pytest.mark.parametrize(
    ("password", "message"),
    [(SHORT, "too short"), (COMMON, "too common")],
    ids=["short", "common"],
)
def test_changing_to_a_short_or_common_password_is_refused(client, world, password, message):
    client.force_login(world.alice)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_a_twelve_character_unusual_password_is_accepted(client, world):
    client.force_login(world.alice)
    new = "Xq7#mLp2!vRz"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password(new)


@pytest.mark.parametrize(
    ("password", "message"),
    [(SHORT, "too short"), (COMMON, "too common")],
    ids=["short", "common"],
)
def test_an_invitation_is_not_accepted_with_a_short_or_common_password(
    client, world, django_capture_on_commit_callbacks, password, message
):
    from accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            clinic=world.clinic_a,
            invited_by=world.frank,
            email="newbie@example.org",
            full_name="Nina Newbie",
            role="patient",
        )
    token = mail.outbox[-1].body.split("/invite/")[1].split("/")[0]
    response = client.post(
        f"/invite/{token}/", {"full_name": "Nina", "password1": password, "password2": password}
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not User.objects.filter(email="newbie@example.org").exists()
    accepted = client.post(
        f"/invite/{token}/", {"full_name": "Nina", "password1": GOOD, "password2": GOOD}
    )
    assert accepted.status_code == 302
    assert User.objects.filter(email="newbie@example.org").exists()


def test_a_password_reset_to_a_common_password_is_refused(client, world):
    client.post("/accounts/password/reset/", {"email": world.alice.email})
    link = re.search(r"http\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    form_page = client.get(link[link.index("/accounts/") :], follow=True)
    action = form_page.redirect_chain[-1][0]
    response = client.post(action, {"password1": COMMON, "password2": COMMON})
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


# --- Session limits on the API (pages: tests/accounts/test_session_lifetime.py) -----------------


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_api_session_is_signed_out(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(world.alice)
    assert client.get("/api/v1/me/").status_code == 200
    _age_session(client, last_seen=31 * 60)
    assert client.get("/api/v1/me/").status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_api_session_ends_at_its_absolute_lifetime(client, world, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client.force_login(world.alice)
    client.get("/api/v1/me/")
    _age_session(client, auth_started=12 * 3600 + 1, last_seen=10)
    assert client.get("/api/v1/me/").status_code == 403


def test_the_session_limits_default_to_30_minutes_idle_and_12_hours(production):
    assert production["SESSION_IDLE_MINUTES"] == 30
    assert production["SESSION_ABSOLUTE_HOURS"] == 12
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def test_production_requires_mfa_for_therapists_and_staff(production):
    # The behaviour itself: tests/accounts/test_mfa.py.
    assert production["REQUIRE_MFA"] is True


def test_the_production_password_rules(production):
    validators = production["AUTH_PASSWORD_VALIDATORS"]
    names = {v["NAME"].rsplit(".", 1)[1]: v.get("OPTIONS", {}) for v in validators}
    assert names["MinimumLengthValidator"] == {"min_length": 12}
    assert "CommonPasswordValidator" in names


def test_a_database_too_busy_for_a_write_answers_503_and_other_errors_stay_500(rf):
    """The busy answer only for lock waits; anything else a database raises is a real fault."""
    import json

    from django.db import OperationalError
    from django.http import HttpResponse

    from rehab.ops.middleware import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(HttpResponse)
    api = middleware.process_exception(
        rf.post("/api/v1/sessions/"), OperationalError("database is locked")
    )
    assert api is not None and api.status_code == 503 and api["Retry-After"] == "5"
    assert "nothing was saved" in json.loads(api.content)["detail"]
    page = middleware.process_exception(
        rf.post("/today/"), OperationalError("canceling statement due to lock timeout")
    )
    assert page is not None and page.status_code == 503
    assert b"nothing was saved" in page.content
    assert middleware.process_exception(rf.get("/"), OperationalError("no such table")) is None
    assert middleware.process_exception(rf.get("/"), ValueError("database is locked")) is None
