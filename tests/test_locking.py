"""Locked means absent: what guests and free accounts out of views receive, in HTML and JSON."""

import html
import re

import pytest
from django.test import Client

from medcode.accounts.models import ApiToken, CodeView

from tests.factories import make_user

pytestmark = pytest.mark.django_db
# One page of each code set, each with reference content worth locking.
PAGES = ["/icd-10-cm/S72.001A/", "/cpt/20700/", "/hcpcs/J1100/", "/icd-10-pcs/0DTJ4ZZ/"]
FIRST_PAGE = "/icd-10-cm/E11.9/"


def guest(address="198.51.100.7"):
    return Client(REMOTE_ADDR=address)


def _sections(text):
    """{section id: inner HTML after its heading} for every section of a code page."""
    return {m.group(1): m.group(3) for m in re.finditer(
        r'<section id="([\w-]+)" class="([^"]*)">\s*<h2>.*?</h2>(.*?)</section>', text, re.S)}


def _phrases(fragment):
    """The distinctive pieces of text in an HTML fragment."""
    pieces = (html.unescape(p).strip() for p in re.split(r"<[^>]+>", fragment))
    return {p for p in pieces if len(p) >= 12}


@pytest.mark.parametrize("url", PAGES)
def test_a_guests_second_page_shows_locked_sections_and_none_of_their_content(subscriber_client, url):
    unlocked = subscriber_client.get(url).content.decode()
    full = _sections(unlocked)
    reader = guest()
    assert reader.get(FIRST_PAGE).status_code == 200
    text = reader.get(url).content.decode()
    locked = _sections(text)
    assert "0</strong> code page views remaining" in text
    assert "Register free account to get 5 more views" in text
    assert "Official Description" in text and "Common Language Description" in text
    withheld = [key for key, body in locked.items() if "Register to view content" in body]
    assert withheld, "no section was locked"
    public = unlocked
    for key in withheld:
        public = public.replace(full[key], "")
    for key in withheld:
        assert "Create a free account to unlock this content" in locked[key]
        # Text the public part repeats (the code's title, its place in the hierarchy) is not a leak.
        secret = {phrase for phrase in _phrases(full[key]) if phrase not in public}
        assert secret, f"{url} #{key}: nothing distinctive to look for"
        for phrase in secret:
            assert phrase not in text, f"{url} #{key} leaks {phrase!r}"


def test_public_sections_stay_on_a_locked_page(subscriber_client):
    reader = guest()
    reader.get(FIRST_PAGE)
    text = reader.get("/icd-10-cm/S72.001A/").content.decode()
    assert "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture" in text
    assert 'href="/icd-10-cm/S72.00/"' in text  # the hierarchy
    assert 'id="history"' in text and 'id="related"' in text
    assert "Fracture of hip NOS" not in text  # an inclusion term: reference content


def test_the_public_description_does_not_repeat_locked_billing_data(subscriber_client):
    assert "special Medicare coverage instructions apply" in subscriber_client.get("/hcpcs/J1100/").content.decode()
    reader = guest()
    reader.get(FIRST_PAGE)
    locked = reader.get("/hcpcs/J1100/").content.decode()
    assert "Injection, dexamethasone sodium phosphate, 1 mg" in locked
    assert "coverage instructions" not in locked and "Pricing indicator" not in locked


def test_the_first_page_a_guest_opens_shows_every_section():
    text = guest().get("/icd-10-cm/S72.001A/").content.decode()
    assert "Fracture of hip NOS" in text and "Register to view content" not in text
    assert "0</strong> code page views remaining" in text


def test_a_free_account_out_of_views_is_asked_to_upgrade(client):
    client.force_login(make_user())
    for url in ["/icd-10-cm/E11.9/", "/icd-10-cm/E11.8/", "/icd-10-cm/E11.65/", "/hcpcs/J1100/", "/cpt/20700/"]:
        assert "Register to view content" not in client.get(url).content.decode()
    text = client.get("/icd-10-cm/S72.001A/").content.decode()
    assert "Upgrade to view content" in text and "Upgrade for unlimited" in text
    assert "Fracture of hip NOS" not in text and "Register to view content" not in text


def test_group_pages_are_not_metered():
    reader = guest()
    reader.get(FIRST_PAGE)
    for url in ["/icd-10-cm/19/", "/icd-10-cm/S70-S79/", "/icd-10-pcs/0DT/", "/hcpcs/J/"]:
        text = reader.get(url).content.decode()
        assert "code page views remaining" not in text and "Register to view content" not in text


def test_clearing_cookies_does_not_mint_views_without_end(settings):
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "GUEST_ADDRESS_DAILY_LIMIT": 3,
                              "GUEST_ADDRESS_WINDOW_LIMIT": 5}
    reader = guest("203.0.113.50")
    opened = []
    for url in ["/icd-10-cm/E11.9/", "/icd-10-cm/E11.8/", "/icd-10-cm/E11.65/", "/icd-10-cm/E10.9/",
                "/icd-10-cm/S72.001A/", "/hcpcs/J1100/"]:
        reader.cookies.clear()
        opened.append("Register to view content" not in reader.get(url).content.decode())
    assert opened == [True, True, True, False, False, False]
    assert guest("203.0.113.51").get("/icd-10-cm/S72.001A/").content.decode().count("Register to view content") == 0
    stored = list(CodeView.objects.values_list("visitor", "address"))
    assert len(stored) == 4 and not any("203.0.113" in v or "203.0.113" in a for v, a in stored)


def test_a_guest_keeps_its_page_across_requests():
    reader = guest()
    first = reader.get("/cpt/20700/").content.decode()
    again = reader.get("/cpt/20700/").content.decode()
    assert "Register to view content" not in first and "Register to view content" not in again
    assert "already unlocked, it cost nothing" in again


def test_code_pages_are_private_to_their_reader():
    response = guest().get("/icd-10-cm/E11.9/")
    assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"]
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


# --- the JSON API meters the same way ---

def test_api_guest_gets_public_fields_and_nothing_locked():
    api = guest("192.0.2.44")
    first = api.get("/api/codes/icd-10-cm/E11.9").json()
    assert first["access"]["unlocked"] and first["notes"] is not None
    response = api.get("/api/codes/icd-10-cm/S72.001A")
    body = response.json()
    assert body["title"].startswith("Fracture of unspecified part of neck of right femur")
    assert body["access"] == {"plan": "guest", "unlocked": False, "remaining": 0,
                              "resets_on": body["access"]["resets_on"], "next_step": "register"}
    assert body["notes"] is None and body["extra"] is None and body["primary_codes"] is None
    assert {"inclusion", "excludes", "instructions", "billable"} <= set(body["locked_sections"])
    assert "Fracture of hip NOS" not in response.content.decode()


def test_api_gives_group_notes_to_subscribers_only(subscriber_client):
    """A chapter's notes show in the locked sections of every code in it."""
    full = subscriber_client.get("/api/codes/icd-10-cm/19").json()
    assert full["notes"] and full["access"] is None
    reader = guest("192.0.2.45")
    response = reader.get("/api/codes/icd-10-cm/19")
    body = response.json()
    assert body["notes"] is None and body["extra"] is None and body["locked_sections"] == ["notes"]
    for note in full["notes"]:
        assert note["text"] not in response.content.decode()


def test_api_code_details_are_private_to_their_reader():
    response = guest().get("/api/codes/icd-10-cm/E11.9")
    assert "private" in response["Cache-Control"] and "Authorization" in response["Vary"]


def test_cookieless_scripts_get_no_more_than_the_address_allows(settings):
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "GUEST_ADDRESS_DAILY_LIMIT": 2,
                              "GUEST_ADDRESS_WINDOW_LIMIT": 5}
    unlocked = []
    for code in ["E11.9", "E11.8", "E11.65", "E10.9"]:
        body = Client(REMOTE_ADDR="192.0.2.77").get(f"/api/codes/icd-10-cm/{code}").json()
        unlocked.append(body["access"]["unlocked"])
    assert unlocked == [True, True, False, False]


def test_api_token_of_a_subscriber_reads_everything():
    user = make_user(subscriber=True)
    _, secret = ApiToken.issue(user, "scrubber")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for code in ["E11.9", "E11.8", "S72.001A"]:
        body = api.get(f"/api/codes/icd-10-cm/{code}").json()
        assert body["access"]["plan"] == "subscriber" and body["notes"] is not None
    assert ApiToken.objects.get().last_used_at is not None


def test_api_refuses_bad_and_revoked_tokens():
    token, secret = ApiToken.issue(make_user(subscriber=True), "old")
    assert Client(HTTP_AUTHORIZATION="Bearer mc_nonsense").get("/api/codes/icd-10-cm/E11.9").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Basic abc").get("/api/codes/icd-10-cm/E11.9").json()["detail"]
    token.revoked_at = token.created_at
    token.save()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/codes/icd-10-cm/E11.9")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_api_rate_limit_per_token(settings, frozen_clock):
    settings.MEDCODE_API_RATE_PER_TOKEN = 3
    _, secret = ApiToken.issue(make_user(subscriber=True), "burst")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    statuses = [api.get("/api/codes/icd-10-cm/E11.9").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/codes/icd-10-cm/E11.9")
    assert 1 <= int(response["Retry-After"]) <= 60 and "rate limit of 3 requests a minute" in response.json()["detail"]
    other = ApiToken.issue(make_user("other@example.com", subscriber=True), "other")[1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get("/api/codes/icd-10-cm/E11.9").status_code == 200


def test_api_without_a_token_is_rate_limited_per_address(settings, frozen_clock):
    settings.MEDCODE_API_RATE_PER_ADDRESS = 2
    statuses = [guest("192.0.2.9").get("/api/codes/icd-10-cm/S72.001/children").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert guest("192.0.2.10").get("/api/codes/icd-10-cm/S72.001/children").status_code == 200
