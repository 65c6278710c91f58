"""Two app servers behind one load balancer, sharing Redis: a curator's save through one is
what a reader gets from the other at once (the cached page moves with the record's
generation, which every server hears from the database: events/listener.py)."""

import http.client
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import redis


from events.listener import APPLICATION_NAME

from .factories import PublishedEventFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


class Browser:
    """Just enough of a browser for the admin: cookies (whatever their Secure flag: these
    servers run the production settings over plain http) and no redirects followed."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, text

    def csrf_token(self, page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def log_in(self, username, password):
        _, page = self.request("GET", "/admin/login/")
        status, _ = self.request("POST", "/admin/login/?next=/admin/", {
            "username": username, "password": password, "next": "/admin/",
            "csrfmiddlewaretoken": self.csrf_token(page),
        })
        assert status == 302 and "sessionid" in self.cookies


def _wait_for_listeners(count, seconds=10):
    from django.db import connection

    deadline = time.monotonic() + seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name LIKE %s AND datname = current_database()",
                [f"{APPLICATION_NAME} %"],
            )
            (listening,) = cursor.fetchone()
        if listening >= count or time.monotonic() > deadline:
            return listening
        time.sleep(0.05)


def test_a_save_through_one_server_shows_at_once_on_the_other(app_servers,
                                                             django_user_model):
    django_user_model.objects.create_superuser("editor", password="an editor's passphrase")
    # An urgent takedown (events/review.py): the one admin write readers see at once.
    event = PublishedEventFactory(title="Checked and ready to take down")
    one, other = (Browser(port) for port in app_servers.ports)
    reader = Browser(app_servers.ports[1])
    path = event.get_absolute_url()

    status, page = reader.request("GET", path)  # published: found, and cached
    assert status == 200 and "Checked and ready to take down" in page
    shared = redis.Redis(host="127.0.0.1", port=6379)
    assert list(shared.scan_iter(f"{app_servers.cache_prefix}*")), "nothing in the shared cache"
    assert Browser(app_servers.ports[0]).request("GET", "/")[0] == 200
    # Each server's worker now listens for the record's generation (events/listener.py), so
    # the reader's next hit takes it from the notification, not from a read.
    assert _wait_for_listeners(2) == 2

    one.log_in("editor", "an editor's passphrase")
    _, changelist = one.request("GET", "/admin/events/event/")
    status, _ = one.request("POST", "/admin/events/event/", {
        "action": "takedown", "_selected_action": [event.pk], "index": 0,
        "takedown_reason": "To protect someone it names.",
        "csrfmiddlewaretoken": one.csrf_token(changelist),
    })
    assert status == 302

    assert reader.request("GET", path)[0] == 404  # the other server, at once
    assert "Checked and ready to take down" not in reader.request("GET", "/")[1]
    assert other.request("GET", path)[0] == 404
