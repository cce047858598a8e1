"""The staff layout: sign-in page, favicon, and Bootstrap served from our own static files."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_reported_once():
    # given
    UserFactory(username="alice")

    # when
    response = HttpClient().post(reverse("login"), {"username": "alice", "password": "wrong"})

    # then the page says so once, next to the form, and signs nobody in
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Please enter a correct username and password") == 1
    assert "_auth_user_id" not in response.client.session


def test_the_favicon_is_served():
    browser = HttpClient()
    response = browser.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert browser.get(reverse("login")).content.decode().count('rel="icon"') == 1


def test_the_layout_links_no_cdn():
    html = HttpClient().get(reverse("login")).content.decode()
    assert "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css" in html
    assert "/static/vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
