"""Production settings pass Django's deployment checklist with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rehab.settings",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-like-secret-" + "y" * 30,
        ALLOWED_HOSTS="rehab.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_to_secure_cookies_and_hsts(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(VAR_DIR=str(tmp_path), SECRET_KEY="s" * 60)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='rehab.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.REQUIRE_MFA, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True", "True", "31536000", "True", "True"]
