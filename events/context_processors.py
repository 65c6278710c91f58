"""What every page's <head> needs to be shared: its canonical address."""

from .forms import EventFilterForm
from .links import absolute_url

# The chronology's view is its filters: they belong in its canonical address, as does a page
# number everywhere; anything else in a query string (tracking, typos) does not.
_VIEW_PARAMETERS = {"event_list": [*EventFilterForm.base_fields, "page"]}


def sharing(request):
    """`canonical_url`: this page's absolute address (from DJANGO_SITE_URL, never the Host),
    with only the query parameters that choose what it shows. A view may set its own."""
    match = request.resolver_match
    names = _VIEW_PARAMETERS.get(match.url_name if match else None, ["page"])
    query = request.GET.copy()
    for name in list(query):
        if name not in names:
            del query[name]
        else:
            query.setlist(name, [value for value in query.getlist(name) if value.strip()])
    query_string = query.urlencode()
    return {"canonical_url": absolute_url(request.path + (f"?{query_string}" if query_string else ""))}
