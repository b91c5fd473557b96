"""Password reset requests are limited per client address and per email asked for,
and being limited says nothing about whether an account has the address."""

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail

RESET = "/accounts/password/reset/"
PER_EMAIL = int(django_settings.PASSWORD_RESET_EMAIL_RATE.split("/")[0])
PER_ADDRESS = int(django_settings.PASSWORD_RESET_RATE.split("/")[0])


@pytest.fixture
def grace(make_user):
    return make_user("grace", email="grace@example.org")


def ask(client, email, address="127.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_the_defaults():
    assert (django_settings.PASSWORD_RESET_RATE, django_settings.PASSWORD_RESET_EMAIL_RATE) == (
        "10/h", "3/h")


def test_fifteen_requests_send_at_most_the_limit(client, grace):
    statuses = [ask(client, "grace@example.org").status_code for _ in range(15)]
    assert len(mail.outbox) == PER_EMAIL == 3
    assert statuses == [302] * PER_EMAIL + [429] * (15 - PER_EMAIL)


def test_the_limited_page_says_why_and_where_to_look(client, grace):
    for _ in range(PER_EMAIL):
        ask(client, "grace@example.org")
    response = ask(client, "grace@example.org")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many reset requests" in page and "spam folder" in page
    assert 'href="/login/"' in page


def test_other_addresses_do_not_get_round_the_email_limit(client, grace):
    for n in range(15):
        ask(client, "GRACE@example.org ", address=f"192.0.2.{n + 1}")
    assert len(mail.outbox) == PER_EMAIL


def test_one_address_cannot_ask_for_many_emails(client, make_user):
    for n in range(15):
        make_user(f"user{n}", email=f"user{n}@example.org")
    statuses = [ask(client, f"user{n}@example.org").status_code for n in range(15)]
    assert len(mail.outbox) == PER_ADDRESS == 10
    assert statuses == [302] * PER_ADDRESS + [429] * (15 - PER_ADDRESS)
    # Someone else, elsewhere, still gets their link.
    assert ask(client, "user14@example.org", address="198.51.100.7").status_code == 302
    assert len(mail.outbox) == PER_ADDRESS + 1


def without_token(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def test_being_limited_tells_nothing_about_accounts(client, grace):
    known = [ask(client, "grace@example.org", "192.0.2.1") for _ in range(PER_EMAIL + 1)]
    unknown = [ask(client, "nobody@example.org", "192.0.2.2") for _ in range(PER_EMAIL + 1)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.get("Location") for r in known] == [r.get("Location") for r in unknown]
    # Byte for byte, but for the CSRF token (masked afresh on every page, by design).
    assert without_token(known[-1].content) == without_token(unknown[-1].content)
    assert len(mail.outbox) == PER_EMAIL  # only grace got any


def test_a_forged_forwarded_for_does_not_dodge_it(client, grace):
    for n in range(15):
        client.post(RESET, {"email": f"x{n}@example.org"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert ask(client, "grace@example.org").status_code == 429
