import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache, so query counts do not depend on test order."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user(
        username="curator", password="a long curator passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
