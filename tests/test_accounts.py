"""Account flows over HTTP: register, verify, log in, reset, change, delete; plans; brute force."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from medcode.accounts.models import ApiToken, CodeView, Subscription, User

from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse 42"


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _register(client, email="new.coder@example.com", password="a long passphrase 7", **extra):
    return client.post("/accounts/register/", {"email": email, "password1": password, "password2": password, **extra})


def test_register_verify_by_emailed_link_then_five_more_views(client):
    response = _register(client, next="/icd-10-cm/E11.9/")
    assert response["Location"] == "/accounts/register/check-your-email/"
    user = User.objects.get(email="new.coder@example.com")
    assert user.password.startswith("argon2$") and not user.is_verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.coder@example.com"]
    text = client.get("/icd-10-cm/E11.9/").content.decode()
    assert "Verify your email address to get 5 more views" in text  # unverified reads as a guest
    response = client.get(_link(mail.outbox[0]))
    assert response["Location"] == "/icd-10-cm/E11.9/"  # back where the reader registered from
    user.refresh_from_db()
    assert user.is_verified
    text = client.get("/icd-10-cm/E11.8/").content.decode()
    assert "4</strong> code page views remaining" in text


def test_register_refuses_a_taken_email_whatever_its_case(client):
    make_user("Taken@Example.com")
    response = _register(client, email="taken@example.COM")
    assert "An account with this email already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_register_refuses_weak_and_mismatched_passwords(client):
    text = _register(client, password="password").content.decode()
    assert "This password is too common" in text
    text = client.post("/accounts/register/", {"email": "x@example.com", "password1": "a long passphrase 7",
                                               "password2": "another passphrase 8"}).content.decode()
    assert "The two password fields" in text
    assert not User.objects.exists()


def test_too_many_registrations_from_one_network_are_refused(client, settings, frozen_clock):
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "REGISTRATIONS_PER_ADDRESS_DAILY": 2}
    for n in range(2):
        assert _register(Client(), email=f"coder{n}@example.com").status_code == 302
    text = _register(Client(), email="coder9@example.com").content.decode()
    assert "Too many accounts were created from your network today" in text
    assert User.objects.count() == 2


def test_tampered_or_stale_verification_links_are_refused(client):
    _register(client)
    path = _link(mail.outbox[0])
    assert client.get(path[:-3] + "xyz/").status_code == 400
    user = User.objects.get()
    user.email = "changed@example.com"
    user.save()
    response = client.get(path)
    assert response.status_code == 400 and "has changed since it was sent" in response.content.decode()


def test_log_in_with_email_in_any_case_and_log_out(client):
    make_user("coder@example.com")
    response = client.post("/accounts/login/", {"username": "CODER@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/"
    assert "coder@example.com" in client.get("/accounts/").content.decode()
    client.post("/accounts/logout/")
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")


def test_brute_force_log_in_is_locked_out_with_a_clear_message(client):
    make_user("coder@example.com")
    spellings = ["coder@example.com", "Coder@example.com", "CODER@EXAMPLE.COM", "coder@Example.com"]
    for spelling in spellings:  # changing the case of the email is the same account
        response = client.post("/accounts/login/", {"username": spelling, "password": "wrong guess"})
        assert response.status_code == 200 and "Please enter a correct email" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "cOdEr@example.com", "password": "wrong guess"})
    assert response.status_code == 429  # the fifth failure locks
    response = client.post("/accounts/login/", {"username": "Coder@Example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    # The lockout record keeps a pseudonym, never the client's address.
    stored = {a.ip_address for a in AccessAttempt.objects.all()}
    assert stored and "127.0.0.1" not in stored and all(ip.startswith("fd") for ip in stored)


def test_guessing_one_account_from_many_addresses_is_capped(frozen_clock):
    make_user("coder@example.com")
    for n in range(20):  # four failures from each of five addresses stay under the per-address lockout
        Client(REMOTE_ADDR=f"192.0.2.{n // 4}").post("/accounts/login/", {"username": "coder@example.com",
                                                                          "password": "wrong"})
    response = Client(REMOTE_ADDR="192.0.2.200").post("/accounts/login/", {"username": "coder@example.com",
                                                                           "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed log-ins for this account" in response.content.decode()
    frozen_clock["now"] += 3600
    response = Client(REMOTE_ADDR="192.0.2.200").post("/accounts/login/", {"username": "coder@example.com",
                                                                           "password": PASSWORD})
    assert response.status_code == 302


def test_a_stolen_session_cannot_guess_the_password(client, frozen_clock):
    client.force_login(make_user())
    for _ in range(10):
        client.post("/accounts/delete/", {"password": "guess", "confirm": "on"})
    text = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"}).content.decode()
    assert "Too many wrong passwords" in text and User.objects.exists()


def test_a_page_unlocked_as_a_guest_stays_open_after_logging_in(client):
    make_user("coder@example.com")
    assert "Register to view content" not in client.get("/icd-10-cm/S72.001A/").content.decode()
    client.post("/accounts/login/", {"username": "coder@example.com", "password": PASSWORD})
    text = client.get("/icd-10-cm/S72.001A/").content.decode()
    assert "already unlocked, it cost nothing" in text and "5</strong> code page views remaining" in text


def test_password_reset_by_emailed_link(client):
    make_user("coder@example.com")
    client.post("/accounts/password/reset/", {"email": "Coder@Example.com"})
    assert len(mail.outbox) == 1
    form_url = client.get(_link(mail.outbox[0]))["Location"]  # Django swaps the token for a session one
    response = client.post(form_url, {"new_password1": "brand new secret 9", "new_password2": "brand new secret 9"})
    assert response.status_code == 302
    assert User.objects.get().check_password("brand new secret 9")
    assert Client().post("/accounts/login/", {"username": "coder@example.com", "password": "brand new secret 9"}).status_code == 302


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert not mail.outbox


def test_change_password_needs_the_old_one(client):
    client.force_login(make_user())
    text = client.post("/accounts/password/", {"old_password": "wrong", "new_password1": "fresh secret 123",
                                               "new_password2": "fresh secret 123"}).content.decode()
    assert "Your old password was entered incorrectly" in text
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "fresh secret 123",
                                                   "new_password2": "fresh secret 123"})
    assert response.status_code == 302 and User.objects.get().check_password("fresh secret 123")


def test_change_email_takes_effect_when_the_new_address_confirms(client):
    client.force_login(make_user("old@example.com"))
    client.post("/accounts/email/", {"email": "new@example.com", "password": PASSWORD})
    confirm, notice = mail.outbox
    assert confirm.to == ["new@example.com"] and notice.to == ["old@example.com"]
    assert User.objects.get().email == "old@example.com"
    client.get(_link(confirm))
    assert User.objects.get().email == "new@example.com"
    assert client.get(_link(confirm)).status_code == 400  # used up: the address it was sent from is gone


def test_change_email_needs_the_password_and_a_free_address(client):
    make_user("other@example.com")
    client.force_login(make_user("me@example.com"))
    text = client.post("/accounts/email/", {"email": "new@example.com", "password": "nope"}).content.decode()
    assert "not your current password" in text
    text = client.post("/accounts/email/", {"email": "OTHER@example.com", "password": PASSWORD}).content.decode()
    assert "Another account uses that email address" in text
    assert not mail.outbox


def test_delete_account_removes_it_and_its_data(client):
    user = make_user()
    Subscription.objects.create(user=user)
    client.force_login(user)
    client.get("/icd-10-cm/E11.9/")
    assert CodeView.objects.filter(user=user).count() == 1
    ApiToken.issue(user, "scrubber")
    text = client.post("/accounts/delete/", {"password": "wrong", "confirm": "on"}).content.decode()
    assert "not your current password" in text and User.objects.exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response["Location"] == "/"
    assert not User.objects.exists() and not Subscription.objects.exists() and not ApiToken.objects.exists()
    assert not CodeView.objects.filter(user__isnull=False).exists()
    assert not CodeView.objects.filter(visitor__contains="coder").exists()  # the view is kept under a pseudonym


def test_deleting_and_registering_again_does_not_refill_the_month(client):
    client.force_login(make_user("coder@example.com"))
    for url in ["/icd-10-cm/E11.9/", "/icd-10-cm/E11.8/", "/icd-10-cm/E11.65/", "/hcpcs/J1100/", "/cpt/20700/"]:
        client.get(url)
    client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    again = Client()
    again.force_login(make_user("Coder@example.com"))
    text = again.get("/icd-10-cm/S72.001A/").content.decode()
    assert "Upgrade to view content" in text


def test_every_form_refuses_a_post_without_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    for url in ["/accounts/register/", "/accounts/login/", "/accounts/password/reset/"]:
        page = client.get(url).content.decode()
        assert 'name="csrfmiddlewaretoken"' in page
        assert client.post(url, {"email": "x@example.com", "username": "x@example.com"}).status_code == 403
    client.force_login(make_user())
    for url in ["/accounts/email/", "/accounts/delete/", "/accounts/password/", "/accounts/api-tokens/",
                "/accounts/logout/", "/accounts/verify/resend/"]:
        assert client.post(url, {"password": PASSWORD}).status_code == 403


def test_hostile_form_input_is_refused_cleanly(client):
    text = _register(client, email="<script>alert(1)</script>@x").content.decode()
    assert "<script>alert(1)" not in text and "Enter a valid email address" in text
    text = _register(client, email="a" * 300 + "@example.com").content.decode()
    assert "at most 254 characters" in text
    assert not User.objects.exists()


def test_plan_command_grants_and_ends_a_subscription(capsys):
    make_user("coder@example.com")
    call_command("plan", "set", "Coder@example.com", "subscriber", "--until", "2031-01-31", "--interval", "yearly")
    assert "subscriber (yearly) until 2031-01-31" in capsys.readouterr().out
    assert User.objects.get().active_subscription().until == date(2031, 1, 31)
    call_command("plan", "set", "coder@example.com", "free")
    assert User.objects.get().active_subscription() is None
    call_command("plan", "show", "coder@example.com")
    assert "coder@example.com: free, verified" in capsys.readouterr().out


def test_plan_command_explains_bad_input():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no account with email"):
        call_command("plan", "set", "ghost@example.com", "subscriber")
    make_user("coder@example.com")
    with pytest.raises(CommandError, match="in the past"):
        call_command("plan", "set", "coder@example.com", "subscriber", "--until", "2020-01-01")


def test_a_subscription_past_its_end_date_reads_as_free(client):
    user = make_user(subscriber=True)
    user.subscription.until = timezone.localdate() - timedelta(days=1)
    user.subscription.save()
    client.force_login(user)
    text = client.get("/icd-10-cm/E11.9/").content.decode()
    assert "4</strong> code page views remaining" in text


def test_upgrade_page_explains_the_plans(client):
    text = client.get("/accounts/upgrade/").content.decode()
    for words in ["Guest", "Free account", "Subscriber", "unlimited", "5 per month"]:
        assert words in text


def test_password_reset_mails_are_capped_per_network(client, frozen_clock):
    make_user("coder@example.com")
    for _ in range(12):
        response = client.post("/accounts/password/reset/", {"email": "coder@example.com"})
        assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 10
