from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Chronology"

    def ready(self):
        from . import curation_queue, signals  # noqa: F401 (curation_queue registers sections)

        signals.connect()
