from django.db import models


class Heartbeat(models.Model):
    """Written by the `heartbeat` task that only beat schedules and a worker runs.

    A fresh row proves both processes are alive; /healthz reports its age.
    """

    name = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField(help_text="When a worker last ran the task.")
    worker = models.CharField(max_length=200, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
