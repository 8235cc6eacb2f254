"""Test settings: the real ones, with little overridden."""

import os

os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

from rehab.settings import *  # noqa: F403
from rehab.settings import DATABASES, VAR_DIR

# Fast hashing; tests are not about password storage cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
REQUIRE_MFA = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# A file, not :memory:, so processes the tests start (Celery worker) share the test database.
if DATABASES["default"]["ENGINE"] == "rehab.ops.sqlite":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
WHITENOISE_AUTOREFRESH = True  # serve from finders; tests never run collectstatic
