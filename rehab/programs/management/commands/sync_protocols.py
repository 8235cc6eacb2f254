from typing import Any

from django.core.management.base import BaseCommand

from rehab.programs import protocol_data
from rehab.programs.services import protocol_sync


class Command(BaseCommand):
    help = "Create or update the shared starter protocols from rehab/programs/protocol_data.py."

    def handle(self, *args: Any, **options: Any) -> None:
        count = protocol_sync(protocols=protocol_data.PROTOCOLS)
        self.stdout.write(f"Protocols: {count} synced.")
