"""Settings for the processes tests/reminders/test_worker.py starts (a Celery worker, dispatchers).

The test settings, on the database of the test that started them (its name comes in
TEST_DATABASE_NAME: pytest-django and pytest-xdist choose it), with emails written as files into
TEST_MAILBOX_DIR (tests/reminders/mailbox.py). The broker comes from REDIS_URL, as in production.
TEST_VISIBILITY_TIMEOUT, when set, shortens how long the broker keeps a message that a worker took
and never acknowledged (the production value is an hour), and sweeps for such messages every
second.
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES

DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
EMAIL_BACKEND = "tests.reminders.mailbox.FileMailbox"
TEST_MAILBOX_DIR = os.environ["TEST_MAILBOX_DIR"]

if os.environ.get("TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(os.environ["TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
