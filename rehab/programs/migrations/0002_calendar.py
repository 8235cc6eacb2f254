from datetime import date, timedelta

from django.db import migrations


def fill_calendar(apps, schema_editor):
    Day = apps.get_model("programs", "Day")
    start, end = date(2020, 1, 1), date(2045, 12, 31)
    days = []
    day = start
    while day <= end:
        days.append(Day(date=day, weekday_bit=1 << day.weekday()))
        day += timedelta(days=1)
    Day.objects.bulk_create(days, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(fill_calendar, migrations.RunPython.noop)]
