from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "rehab.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"
