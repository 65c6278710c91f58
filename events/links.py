"""Links to the record's pages, built without a full URL resolver pass each time.

A listing links every event, actor, source and category it shows, often a thousand times a
page; Django's reverse() costs tens of microseconds each. Each URL name is reversed once (per
script prefix) with a placeholder, and the key is put in its place: the same result as
reverse() for the slugs and integer ids these URLs take.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

SLUG_PLACEHOLDER = "key-placeholder-0"
ID_PLACEHOLDER = 9_876_543_210


@lru_cache(maxsize=128)
def _pattern(name, prefix, language, numeric):
    placeholder = ID_PLACEHOLDER if numeric else SLUG_PLACEHOLDER
    return reverse(name, args=[placeholder]), str(placeholder)


def url_for(name, key):
    """reverse(name, args=[key]) for a URL taking one slug or integer id."""
    # Per language: a Russian page's links are under /ru/ (i18n_patterns).
    pattern, placeholder = _pattern(
        name, get_script_prefix(), get_language(), isinstance(key, int)
    )
    return pattern.replace(placeholder, str(key))


def absolute_url(path):
    """The full URL of a path on this site, from the configured SITE_URL: never from the
    request's Host (see timeline/settings.py)."""
    return settings.SITE_URL + path
