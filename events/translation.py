"""The record's translated fields (django-modeltranslation): each gets a column per language
(title_en, title_ru), and `title` reads the active language's, falling back to English.

Chosen over django-parler because the translations live on the row itself: a page needs no
extra query or join per language (the pinned query counts hold), django-reversion's versions
and the review workflow's proposals carry both languages of an item in one row, and the page
cache only has to know the address, which carries the language.

Not translated: quotes and verbatim excerpts (they stay as the source prints them: the
English site shows our English rendering beside a Russian quote, the Russian site our Russian
rendering beside an English one: Statement.rendering), slugs, URLs and dates.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Actor,
    Category,
    Citation,
    Claim,
    ClaimValue,
    Event,
    EventActor,
    Place,
    SourceArticle,
    Statement,
)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Actor)
class ActorTranslation(TranslationOptions):
    # aliases: other spellings readers search for, Cyrillic ones under Russian.
    fields = ("name", "description", "naming_note", "aliases")


@register(Place)
class PlaceTranslation(TranslationOptions):
    fields = ("name", "description", "aliases")


@register(SourceArticle)
class SourceArticleTranslation(TranslationOptions):
    # A source's title in each language: for a Russian-language source the Russian title is
    # its own headline and the English one our gloss (SourceArticle.original_title).
    fields = ("title", "notes")


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "location", "verification_note")


@register(EventActor)
class EventActorTranslation(TranslationOptions):
    fields = ("role",)


@register(Statement)
class StatementTranslation(TranslationOptions):
    fields = ("venue", "rendering")


@register(Citation)
class CitationTranslation(TranslationOptions):
    # Only a curators' summary (is_summary) is translated; a verbatim excerpt stays as printed.
    fields = ("excerpt",)


@register(Claim)
class ClaimTranslation(TranslationOptions):
    fields = ("question", "conclusion")


@register(ClaimValue)
class ClaimValueTranslation(TranslationOptions):
    fields = ("value", "relies_on", "excerpt")
