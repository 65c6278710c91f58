from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Chronology"

    def ready(self):
        # Imported for what they register: the attention queue's sections (review's, and
        # curate's in curation_queue).
        from . import attention, cdn, curation_queue, replica, signals  # noqa: F401

        signals.connect()
        cdn.connect()
        replica.connect()
