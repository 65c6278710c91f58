"""The Atom feed of events (/feed/), newest first, with the timeline page's filters.

`/feed/?category=denials` follows only the denials: the query string goes through
EventFilterForm, like the page's and the API's.
"""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext, gettext_lazy

from .exports import statements_html, verification_html
from .forms import EventFilterForm, form_errors
from .links import absolute_url
from .models import Event

FEED_TITLE = gettext_lazy("Chechnya 2017: a documented chronology")


# A feed carries the newest entries, as feed readers expect; the record is in the API.
FEED_SIZE = 50


class EventFeed(Feed):
    feed_type = Atom1Feed
    title = FEED_TITLE
    subtitle = gettext_lazy(
        "Events of the reporting on the 2017 anti-gay purge in Chechnya and the world's "
        "response, each linked to the reporting it rests on. Newest first."
    )
    author_name = FEED_TITLE

    def __call__(self, request, *args, **kwargs):
        form = EventFilterForm(request.GET)
        if not form.is_valid():
            messages = "\n".join(
                f"{field}: {message}"
                for field, field_messages in form_errors(form).items()
                for message in field_messages
            )
            return HttpResponseBadRequest(
                gettext("Invalid filters.") + f"\n{messages}\n",
                content_type="text/plain; charset=utf-8",
            )
        # The feed object is shared by every request: per-request state rides on the request.
        request.event_filter_form = form
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return request

    # Every link absolute already, from SITE_URL: Django's Feed prefixes a relative link with
    # the request's Host, which a client chooses.
    def link(self, request):
        return absolute_url(_with_query(reverse("events:event_list"), request))

    def feed_url(self, request):
        return absolute_url(_with_query(reverse("feed"), request))

    def feed_guid(self, request):
        return self.feed_url(request)

    def item_link(self, event):
        return absolute_url(event.get_absolute_url())

    def items(self, request):
        events = request.event_filter_form.filter(Event.objects.public())
        return events.chronological().reverse().for_listing()[:FEED_SIZE]

    def item_title(self, event):
        title = event.title
        if event.is_disputed:
            title = gettext("%(title)s (disputed)") % {"title": title}
        return f"{event.date_display}: {title}"

    def item_description(self, event):
        sources = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    format_html('<a href="{}">{}</a>', citation.source.url, citation.source.title)
                    if citation.source.url
                    else citation.source.title,
                )
                for citation in event.citation_list
            ),
        )
        return (
            format_html("<p><strong>{}</strong></p>", event.date_display)
            + linebreaks(event.summary, autoescape=True)
            + verification_html(event)
            + statements_html(event)
            + (format_html("<p>{}</p><ul>{}</ul>", gettext("Sources:"), sources)
               if sources else "")
        )

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        # The verification state as a category too, so a reader can follow or filter on it.
        return [event.category.name, event.get_verification_display()]


def _with_query(url, request):
    return f"{url}?{request.GET.urlencode()}" if request.GET else url
