"""Repeated failed sign-ins lock the account and the address (django-axes), through the real
login form: 30 wrong passwords, then the right one is refused."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _sign_in(username: str, password: str, ip: str = "203.0.113.5"):
    browser = HttpClient(REMOTE_ADDR=ip)
    response = browser.post(reverse("login"), {"username": username, "password": password})
    return response, "_auth_user_id" in browser.session


@pytest.fixture
def alice():
    user = UserFactory(username="alice")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def bob():
    user = UserFactory(username="bob")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_thirty_wrong_passwords_lock_the_account_even_from_other_addresses(alice):
    # given
    for i in range(30):
        _sign_in("alice", f"guess-{i}", ip=f"198.51.100.{i % 3 + 1}")

    # when the right password comes, from yet another address
    response, signed_in = _sign_in("alice", PASSWORD, ip="192.0.2.77")

    # then
    assert not signed_in
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked_out(alice, bob):
    # given wrong passwords for many accounts from one address
    for i in range(12):
        _sign_in(f"user{i}", "wrong", ip="198.51.100.9")

    # when
    from_that_address = _sign_in("bob", PASSWORD, ip="198.51.100.9")[1]
    from_elsewhere = _sign_in("bob", PASSWORD, ip="192.0.2.10")[1]

    # then
    assert not from_that_address
    assert from_elsewhere


def test_a_few_typos_then_the_right_password_signs_in_and_resets_the_count(alice):
    # given
    for _ in range(3):
        _sign_in("alice", "typo")

    # when
    _, signed_in = _sign_in("alice", PASSWORD)

    # then the count starts again
    assert signed_in
    for _ in range(9):
        _sign_in("alice", "typo")
    assert _sign_in("alice", PASSWORD)[1]
