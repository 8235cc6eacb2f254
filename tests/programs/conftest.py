from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def protocols(library):
    """The shared starter protocols (and the exercise library they use)."""
    call_command("sync_protocols", stdout=StringIO())
