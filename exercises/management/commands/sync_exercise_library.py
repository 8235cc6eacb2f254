from typing import Any

from django.core.management.base import BaseCommand

from exercises import library_data
from exercises.services import library_sync


class Command(BaseCommand):
    help = "Create or update the shared exercise library from exercises/library_data.py."

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = library_sync(
            muscles=library_data.MUSCLES, exercises=library_data.EXERCISES
        )
        self.stdout.write(f"Exercise library: {created} created, {updated} updated.")
