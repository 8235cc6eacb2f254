"""An email backend for processes the tests start: each message becomes a JSON file on disk.

The Celery worker that tests/reminders/test_worker.py starts is another process, so Django's
locmem outbox cannot show what it sent. This backend writes one file per message into
`settings.TEST_MAILBOX_DIR` (written aside and renamed, so a reader never sees half a message).

It can also hang a send half-way, so a test can kill the process doing it: while a file named
`hold` exists in the mailbox, the first send writes `started` (holding its process id) and waits
for a file named `release`; any later send goes straight through.
"""

import json
import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

HOLD = "hold"
STARTED = "started"
RELEASE = "release"
HOLD_LIMIT_SECONDS = 120


class FileMailbox(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        box = Path(settings.TEST_MAILBOX_DIR)
        for message in email_messages:
            _hold_the_first_send(box)
            record = {
                "to": list(message.to),
                "subject": message.subject,
                "body": message.body,
                "headers": dict(message.extra_headers),
                "pid": os.getpid(),
            }
            name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
            part = box / f"{name}.part"
            part.write_text(json.dumps(record))
            part.rename(box / name)
        return len(email_messages)


def _hold_the_first_send(box: Path) -> None:
    if not (box / HOLD).exists():
        return
    # Link a complete file into place: the `started` marker appears with the pid already in it,
    # and only one send can create it.
    draft = box / f".{STARTED}-{os.getpid()}-{uuid.uuid4().hex}"
    draft.write_text(str(os.getpid()))
    try:
        os.link(draft, box / STARTED)
    except FileExistsError:
        return  # held once already: this is the send after it
    finally:
        draft.unlink()
    deadline = time.monotonic() + HOLD_LIMIT_SECONDS
    while not (box / RELEASE).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("Test mailbox: a held send was never released.")
        time.sleep(0.05)
