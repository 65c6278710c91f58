from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Chronology"

    def ready(self):
        # Imported for what they register: the attention queue's sections (review's, and
        # curate's in curation_queue).
        from . import attention, curation_queue, signals  # noqa: F401

        signals.connect()
