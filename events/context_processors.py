"""What every page's <head> needs to be shared: its canonical address."""

from .links import absolute_url


def sharing(request):
    """`canonical_url`: this page's absolute address (from DJANGO_SITE_URL, never the Host),
    with its page number and nothing else a query string may carry (tracking, typos). A view
    whose query string chooses what it shows (the chronology's filters) sets its own."""
    page = request.GET.get("page", "").strip()
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    return {"canonical_url": absolute_url(request.path + query)}
