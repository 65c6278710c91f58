from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Chronology"

    def ready(self):
        from . import cdn, replica, signals

        signals.connect()
        cdn.connect()
        replica.connect()
