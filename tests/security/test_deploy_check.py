"""`manage.py check --deploy` is clean with a production environment.

The check runs in a subprocess with only the variables a production deployment sets (DEBUG
off, a long random SECRET_KEY, ALLOWED_HOSTS, a throwaway VAR_DIR), so the settings module is
imported exactly as in production, with its own defaults for everything else (HTTPS redirect,
HSTS, secure cookies, MFA).
"""

import functools
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The settings whose production values tests/security/test_hardening.py applies in-process.
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "REQUIRE_MFA",
    "AUTH_PASSWORD_VALIDATORS",
]

_DUMP = (
    "import json, django; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
)


def production_env(var_dir: str) -> dict[str, str]:
    """Nothing from the test environment leaks in: only what a deployment sets."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(Path.home())),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "rehab.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "rehab.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://rehab.example.org",
        "SITE_URL": "https://rehab.example.org",
        "VAR_DIR": var_dir,
    }


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="rehab-prod-") as var_dir:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=production_env(var_dir),
            capture_output=True,
            text=True,
            timeout=120,
        )


@functools.cache
def production_settings() -> dict[str, object]:
    """The security settings as rehab/settings.py computes them in production."""
    result = _run("-c", _DUMP)
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    if isinstance(values["SECURE_PROXY_SSL_HEADER"], list):
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_check_deploy_is_clean_in_production():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_would_catch_debug_on():
    """The check above can fail: the same environment with DEBUG on is refused."""
    with tempfile.TemporaryDirectory(prefix="rehab-prod-") as var_dir:
        env = production_env(var_dir) | {"DEBUG": "1"}
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG in deployment


def test_a_production_start_without_a_real_secret_key_is_refused():
    with tempfile.TemporaryDirectory(prefix="rehab-prod-") as var_dir:
        env = production_env(var_dir) | {"SECRET_KEY": "django-insecure-xyz"}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
