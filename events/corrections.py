"""Readers' correction reports: the "Suggest a correction" form of every event page.

No account and no third-party CAPTCHA (no origin but ours, docs/security.md). Three cheap
protections instead, each refusing in plain words:

- a honeypot: a field people never see (hidden by the stylesheet, out of the tab order,
  labelled "leave empty"); a robot that fills it is answered as if the report were sent, and
  nothing is stored;
- timing: the form carries a signed token with the time it was served; a report sent sooner
  than settings.CORRECTION_MIN_SECONDS after it (no person reads and types that fast), or
  from a form older than CORRECTION_FORM_MAX_HOURS, or with a forged token, is refused;
- throttling: at most settings.CORRECTION_REPORTS_PER_HOUR reports from one address an hour,
  counted in the cache under a keyed hash of the address (the address itself is never
  stored, in the cache or the database).

The event page itself stays cached whole and the same for every reader (events/caching.py):
the form, with its CSRF token and timing token, is served by its own uncached address, which
the page loads in place when a reader opens "Suggest a correction" (htmx) or links to
(without JavaScript).

A report keeps only what the reader typed (what is wrong, a source link, an optional contact
address), for settings.CORRECTION_RETENTION_DAYS; expired reports are deleted on every new
report and by `manage.py purge_correction_reports`.
"""

import hashlib
import hmac
import logging
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from ninja.throttling import BaseThrottle

from .fields import http_url_validator
from .models import CorrectionReport

logger = logging.getLogger(__name__)

TOKEN_SALT = "events.corrections.form-served"  # noqa: S105 (a signing namespace, not a secret)


def form_token(event, now=None):
    """The signed token of a form served now for this event."""
    return signing.dumps({"event": event.pk, "served": now or time.time()}, salt=TOKEN_SALT)


class CorrectionForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A misquote, a wrong date, a missing disagreement between sources, or "
        "anything that could identify a person at risk. Please do not write your own name or "
        "anyone else's personal details here."),
    )
    source_url = forms.URLField(
        label=_("A source that shows it (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[http_url_validator],
        help_text=_("The web address of an article or document, starting with https://."),
    )
    contact = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only if you are happy for a curator to write to you about this report. "
        "Used for nothing else, and deleted with the report."),
    )
    # The honeypot: hidden from people by the stylesheet (.hp) and from assistive technology.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    @property
    def is_robot(self):
        """The honeypot was filled in (only meaningful after is_valid())."""
        return bool(self.cleaned_data.get("website"))

    def clean_token(self):
        token = self.cleaned_data["token"]
        max_age = settings.CORRECTION_FORM_MAX_HOURS * 3600
        try:
            served = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was opened too long ago. Your words are still below: please send "
                "them again."), code="expired") from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form is not one this site served. Your words are still below: please "
                "send them again."), code="forged") from None
        if served.get("event") != self.event.pk:
            raise forms.ValidationError(
                _("This form belongs to another event. Please send it again from this one."),
                code="forged")
        elapsed = time.time() - served.get("served", 0)
        if elapsed > max_age:
            raise forms.ValidationError(
                _("This form was opened too long ago. Your words are still below: please send "
                "them again."), code="expired")
        if elapsed < settings.CORRECTION_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was sent faster than a person can read and type. Please check your "
                "words and send them again."), code="too_fast")
        return token

    def save(self):
        return CorrectionReport.objects.create(
            event=self.event,
            message=self.cleaned_data["message"],
            source_url=self.cleaned_data["source_url"],
            contact=self.cleaned_data["contact"],
        )


def _address_key(request):
    """A cache key for the reader's address: a keyed hash, so neither the cache nor a leaked
    copy of it holds anyone's address."""
    ident = BaseThrottle().get_ident(request) or ""
    digest = hmac.new(settings.SECRET_KEY.encode(), ident.encode(), hashlib.sha256).hexdigest()
    return f"corrections:from:{digest[:32]}"


def throttled(request):
    """Count one report from this address; True when the hour's allowance is used up."""
    key = _address_key(request)
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (or a cache that was down for add)
        cache.set(key, 1, timeout=3600)
        count = 1
    except Exception:  # the cache server is down: the honeypot and timing still stand
        logger.warning("Correction reports are not throttled: the cache is not answering.")
        return False
    return count > settings.CORRECTION_REPORTS_PER_HOUR


def receive(form):
    """Store a valid report and delete those past the retention period."""
    report = form.save()
    CorrectionReport.objects.purge_expired()
    return report
