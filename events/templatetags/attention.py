from django import template

from .. import attention

register = template.Library()


@register.simple_tag(takes_context=True)
def attention_queue(context):
    """The admin index's queue (events/attention.py) for the signed-in user."""
    return attention.queue(context["request"])
