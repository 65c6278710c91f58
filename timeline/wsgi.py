import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timeline.settings")

application = get_wsgi_application()

# Cached public pages are answered in front of Django's handler (events/caching.py).
from events.caching import CachedPageApplication  # noqa: E402 - needs Django set up

application = CachedPageApplication(application)
