"""Which language a request is answered in, and what readers are told about translations.

Public pages: English at the unprefixed addresses, Russian under /ru/ (Django's i18n_patterns,
prefix_default_language=False), chosen by the address alone, so a page's address says its
language and the page cache, the CDN and search engines need no `Vary: Accept-Language`.
The API and the exports (/api/): `?lang=en|ru`, else the reader's `Accept-Language`; they answer
with `Content-Language` and `Vary: Accept-Language`. The admin follows `Accept-Language`.

The record's fields are translated with django-modeltranslation (events/translation.py): a
field with no Russian yet falls back to the English, and `missing_translation()` tells the page
to say so. `TranslationState` keeps the two languages in step: a save that changes one
language's text and not the other's flags the other as outdated.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
DEFAULT = settings.LANGUAGE_CODE
PREFIXED = [code for code in LANGUAGE_CODES if code != DEFAULT]
API_PREFIX = "/api/"


def language_of_path(path):
    """The language a public address is in: its prefix ("/ru/..."), else the default."""
    for code in PREFIXED:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code
    return DEFAULT


class UnknownLanguage(ValueError):
    pass


def negotiated(request):
    """The API's language: ?lang= (refused if unknown), else the best of Accept-Language."""
    asked = request.GET.get("lang")
    if asked is not None:
        if asked not in LANGUAGE_CODES:
            raise UnknownLanguage
        return asked
    header = request.headers.get("Accept-Language", "")
    if not header:
        return DEFAULT
    return best_of_accept_language(header)


def best_of_accept_language(header):
    """The first of our languages in the reader's order of preference (q-values), else the
    default. Django's parser, limited to our languages and without its cookie or session."""
    for code, _q in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        base = code.split("-")[0].lower()
        if base in LANGUAGE_CODES:
            return base
    return DEFAULT


class LanguageMiddleware:
    """Activates the request's language for everything after it; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        path = request.path_info
        api = path.startswith(API_PREFIX)
        if api:
            try:
                language = negotiated(request)
            except UnknownLanguage:
                return JsonResponse(
                    {"detail": f"Unknown language: lang must be one of "
                     f"{', '.join(LANGUAGE_CODES)}."},
                    status=400,
                )
        elif path.startswith(self.admin_prefix):
            language = best_of_accept_language(request.headers.get("Accept-Language", ""))
        else:
            language = language_of_path(path)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # Not left active for whatever the thread runs next (a test's own code, say).
            translation.deactivate()
        if api and response.streaming:  # an export written as it is sent: in its language
            response.streaming_content = _in_language(response.streaming_content, language)
        if api or path.startswith(self.admin_prefix):
            patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response


def _in_language(chunks, language):
    with translation.override(language):
        yield from chunks


# --- translations of the record --------------------------------------------------------------

@lru_cache(maxsize=None)
def translated_fields(model):
    """The names of a model's translated fields (django-modeltranslation's registry), in the
    model's own field order: the registry keeps them as a set, whose order follows each
    process's string hash seed, and the translation fingerprints (`_digest`) and the API's
    `missing` lists must come out the same in every process."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        names = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()
    return tuple(field.name for field in model._meta.get_fields() if field.name in names)


def missing_translation(instance, language=None):
    """The translated fields of `instance` that are shown in the default language because the
    reader's language has no text for them (empty when the reader's language is the default)."""
    language = language or translation.get_language() or DEFAULT
    if language == DEFAULT:
        return []
    missing = []
    for name in translated_fields(type(instance)):
        if name in getattr(type(instance), "TRANSLATION_NOT_NEEDED", ()):
            continue
        default_value = getattr(instance, f"{name}_{DEFAULT}", "")
        if default_value and not getattr(instance, f"{name}_{language}", ""):
            missing.append(name)
    return missing


def _digest(instance, language, model=None):
    """A fingerprint of `instance`'s text in `language` ("" when it has none); `model` is the
    registered model when `instance` is a migration's historical one."""
    model = model or type(instance)
    values = [getattr(instance, f"{name}_{language}", "") or ""
              for name in translated_fields(model)
              if name not in getattr(model, "TRANSLATION_NOT_NEEDED", ())]
    if not any(values):
        return ""
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]


def update_translation_state(instance):
    """Before a save: flag the language left behind when only the other one changed.

    `en_digest`/`ru_digest` are fingerprints of each language's text as last saved. A save
    that changes the English and not the Russian marks the Russian outdated (and the other way
    round); one that changes both, or writes a first translation, leaves both in step; a
    curator can clear the flag by hand once the texts agree."""
    en, ru = _digest(instance, "en"), _digest(instance, "ru")
    old_en, old_ru = instance.en_digest, instance.ru_digest
    if not en or not ru:
        instance.outdated_language = ""  # nothing to keep in step: a translation is missing
    elif old_en and old_ru:
        en_changed, ru_changed = en != old_en, ru != old_ru
        # A language catching up with the other clears the flag; one changed on its own (a
        # correction made in Russian first, say) leaves the other behind.
        if en_changed and not ru_changed:
            instance.outdated_language = "" if instance.outdated_language == "en" else "ru"
        elif ru_changed and not en_changed:
            instance.outdated_language = "" if instance.outdated_language == "ru" else "en"
        elif en_changed and ru_changed:
            instance.outdated_language = ""
    instance.en_digest, instance.ru_digest = en, ru


def translation_status(instance, language=None):
    """What the reader of `language` should know about this item's translation."""
    language = language or translation.get_language() or DEFAULT
    missing = missing_translation(instance, language)
    outdated = getattr(instance, "outdated_language", "") == language
    return {"language": language, "missing": missing, "outdated": outdated}


OUTDATED_NOTE = _(
    "This text was written before the latest change in the other language and may be out of "
    "date."
)
MISSING_NOTE = _("Not yet translated: shown in English.")
