"""The `Out` schema base (events/schemas.py) reads objects past ninja's DjangoGetter, a fast
path that relies on django-ninja internals. These tests pin them so that an upgrade of
django-ninja fails here, loudly and by name, instead of changing the API's output quietly."""

import inspect

import ninja
import pytest
from django.test import RequestFactory
from ninja import Schema
from ninja.schema import DjangoGetter

from events.schemas import CategoryRef, EventOut, Out

from .factories import CategoryFactory

# The django-ninja release whose internals Out was checked against. On an upgrade: check each
# test below still means what it says (read ninja/schema.py), then move this pin.
NINJA_CHECKED = "1.7.1"


def test_django_ninja_is_the_release_out_was_checked_against():
    assert ninja.__version__ == NINJA_CHECKED, (
        f"django-ninja is {ninja.__version__}, but events/schemas.py `Out` relies on the "
        f"internals of {NINJA_CHECKED}: Schema._run_root_validator, Schema._ninja_resolvers, "
        "DjangoGetter(obj, schema_cls, context) and DjangoGetter._convert_result. Check them "
        "against the new release (tests/test_schemas.py), then update NINJA_CHECKED."
    )


def test_out_replaces_ninjas_root_validator_by_name():
    ninjas = Schema.__pydantic_decorators__.model_validators
    ours = Out.__pydantic_decorators__.model_validators
    assert "_run_root_validator" in ninjas and ninjas["_run_root_validator"].info.mode == "wrap"
    # Same name, so pydantic runs Out's instead of ninja's, not both.
    assert list(ours) == ["_run_root_validator"]
    assert ours["_run_root_validator"].func.__qualname__.startswith("Out.")


def test_the_getter_and_resolvers_out_calls_are_still_there():
    assert list(inspect.signature(DjangoGetter.__init__).parameters) == [
        "self", "obj", "schema_cls", "context",
    ]
    assert list(inspect.signature(DjangoGetter._convert_result).parameters) == ["self", "result"]
    resolvers = {
        name.removeprefix("resolve_") for name in vars(EventOut) if name.startswith("resolve_")
    }
    assert resolvers <= set(EventOut._ninja_resolvers)


def test_the_resolver_internals_out_calls_directly_are_still_there():
    """Out calls each resolver's function itself, as ninja's Resolver.__call__ does."""
    url, translation = EventOut._ninja_resolvers["url"], EventOut._ninja_resolvers["translation"]
    assert url._static and url._takes_context and not translation._takes_context
    assert url._func is EventOut.resolve_url
    assert "getter._obj" in inspect.getsource(type(url).__call__)


class PlainCategoryRef(Schema):
    """CategoryRef on ninja's own path, for comparison."""

    id: int
    slug: str
    name: str
    url: str
    api_url: str
    translation: dict

    resolve_translation = staticmethod(CategoryRef.resolve_translation)
    resolve_url = staticmethod(CategoryRef.resolve_url)
    resolve_api_url = staticmethod(CategoryRef.resolve_api_url)


@pytest.mark.django_db
def test_out_serialises_exactly_as_ninja_does():
    category = CategoryFactory(name="Denials", slug="denials")
    context = {"request": RequestFactory().get("/api/v1/categories")}

    fast = CategoryRef.model_validate(category, context=context).model_dump()
    plain = PlainCategoryRef.model_validate(category, context=context).model_dump()

    assert fast == plain
    assert fast["api_url"] == "http://testserver/api/v1/categories/denials"

