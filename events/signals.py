"""Every change to the record bumps RecordState, which invalidates cached pages."""

from django.db.models.signals import post_delete, post_save

from .models import (
    Actor,
    Category,
    Citation,
    Event,
    EventActor,
    RecordState,
    SourceArticle,
    Statement,
)

RECORD_MODELS = (Actor, Category, Citation, Event, EventActor, SourceArticle, Statement)


def record_changed(sender, **kwargs):
    RecordState.objects.bump()


def connect():
    for model in RECORD_MODELS:
        post_save.connect(record_changed, sender=model, dispatch_uid=f"record-{model.__name__}")
        post_delete.connect(
            record_changed, sender=model, dispatch_uid=f"record-del-{model.__name__}"
        )
