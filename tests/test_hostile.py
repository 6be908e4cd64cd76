"""Probes an attacker would run, kept as tests: hostile values in every API parameter and body and in
every form field (no 5xx, errors as JSON from the API), and a metering-leak scan comparing what a
reader with no views left gets from pages, the API, CasePilot and the tools with a subscriber's.

The forged-mail probes run over real SMTP on loopback in test_consult_mail; hostile reference files
in test_hostile_imports; the PHI guard's Unicode probes in test_consult_phi."""

import json
import re
import subprocess
import sys
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from medcode.accounts.models import ApiToken
from medcode.codes import lookup
from tests.factories import make_user

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\r\nSet-Cookie: x=1", "\t", "9223372036854775808", "-9223372036854775809", "-1",
    "1e999", "NaN", "Infinity", "-0", "0x1F", "1.5", "<script>alert(1)</script>", "' OR 1=1 --", '"', "\\",
    "%00", "../../etc/passwd", "NEAR(a b)", "a* OR b*", '"unterminated', "ZZZZZ", "😀" * 50, "\u202eevil",
    "\ufeff99213", "\uff19\uff19\uff12\uff11\uff13", "ß" * 300, "x" * 5000, "2026-02-30", "9999-12-31",
    "0000-01-01", "true", "null", "[]", "{}",
]


@pytest.fixture
def open_limits(settings):
    """No rate limit or daily cap stops a probe before it reaches the code under test."""
    settings.MEDCODE_API_RATE_PER_ADDRESS = settings.MEDCODE_API_RATE_PER_TOKEN = 10**6
    settings.MEDCODE_SEARCH_RATE_PER_ADDRESS = 10**6
    settings.MEDCODE_ASSISTANT_DAILY = {"guest": 10**6, "free": 10**6, "subscriber": 10**6}


def _api_operations():
    from medcode.site.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _fill(path, values):
    return re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), "x"), path)


def _check(response, where, failures):
    if response.status_code >= 500:
        failures.append(f"{where}: {response.status_code}")


@pytest.mark.django_db
def test_hostile_values_in_every_api_parameter_get_a_json_answer_not_a_5xx(open_limits):
    user = make_user("probe@example.com", subscriber=True)
    _, token = ApiToken.issue(user, "probe")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    valid = {"system": "cpt", "code": "99213"}
    tried, failures = 0, []
    for method, path, operation in _api_operations():
        parameters = [p for p in operation.get("parameters", [])]
        for parameter in parameters:
            for value in HOSTILE:
                values = dict(valid)
                query = {}
                if parameter["in"] == "path":
                    values[parameter["name"]] = value.replace("/", "%2F") or "x"
                else:
                    query[parameter["name"]] = value
                url = _fill(path, values)
                if method == "GET":
                    response = client.get(url, query)
                else:
                    response = client.post(url, json.dumps({}), content_type="application/json")
                tried += 1
                _check(response, f"{method} {url} {parameter['name']}={value[:20]!r}", failures)
                if response.status_code >= 400:
                    assert response["Content-Type"].startswith("application/json"), (url, response.content[:200])
                    assert "detail" in response.json()
        if method == "POST":
            for body in _hostile_bodies(path):
                response = client.post(path, body if isinstance(body, str) else json.dumps(body),
                                       content_type="application/json")
                tried += 1
                _check(response, f"POST {path} {str(body)[:40]!r}", failures)
                if response.status_code >= 400:
                    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
    print(f"hostile API probes: {tried} requests, {len(failures)} 5xx")
    assert tried > 1000
    assert not failures, failures


def _hostile_bodies(path):
    if path.endswith("claim-check"):
        line = {"code": "99213", "units": 1, "modifiers": []}
        yield from [
            "", "{", "[]", "null", '"lines"', {"lines": []}, {"lines": "99213"}, {"lines": [None]},
            {"lines": [{**line, "units": 10**20}]}, {"lines": [{**line, "units": -1}]}, {"lines": [{**line, "units": "1e999"}]},
            {"lines": [{**line, "code": value}] for value in HOSTILE},
            {"lines": [{**line, "modifiers": ["25"] * 50}]}, {"lines": [{**line, "modifiers": [value]}] for value in HOSTILE},
            {"lines": [line] * 51}, {"lines": [line], "setting": "\x00"}, {"lines": [line], "date": "0000-00-00"},
            {"lines": [line], "date": 10**30}, json.dumps({"lines": [line], "pad": "x" * 3_000_000}),
        ]
        yield from ({"lines": [{**line, "code": value}]} for value in HOSTILE)
        yield from ({"lines": [{**line, "modifiers": [value]}]} for value in HOSTILE)
    else:
        yield from ["", "{", "[]", {"question": None}, {"question": 5}, {"question": "x" * 100_000},
                    {"question": "99213", "codes": "cpt:99213"}, {"question": "99213", "codes": [None, 5]},
                    {"question": "99213", "codes": ["cpt:" + "9" * 10_000] * 500}]
        yield from ({"question": value} for value in HOSTILE)


FORMS = [
    # (url, fields a hostile value goes into, other fields, who posts)
    ("/accounts/register/", ["email", "password1", "password2"], {}, None),
    ("/accounts/login/", ["username", "password"], {}, None),
    ("/accounts/password/reset/", ["email"], {}, None),
    ("/tools/claim-check/", ["lines", "setting", "date"], {"lines": "99213\n20610", "setting": "practitioner"}, "sub"),
    ("/tools/fees/", ["codes", "locality", "facility", "date"], {"codes": "99213"}, "sub"),
    ("/casepilot/", ["question"], {}, "sub"),
    ("/caseconsultant/new/", ["subject", "question", "documentation", "code_set", "specialty", "codes_chosen"],
     {"subject": "s", "question": "q"}, "sub"),
    ("/careers/alerts/", ["name", "frequency", "mode", "salary", "zip", "radius", "days", "q"], {"name": "n"}, "sub"),
    ("/accounts/api-tokens/", ["name"], {}, "sub"),
]
GET_PAGES = ["/case2code/?q={}", "/case2code/?q=knee&system={}", "/case2code/suggest/?q={}", "/careers/?salary={}",
             "/careers/?zip={}&radius=50", "/careers/?mode={}", "/careers/?days={}", "/careers/?page={}",
             "/cpt/99213/?date={}", "/cpt/99213/?ncci_page={}&ncci_code=", "/cpt/99213/?locality={}",
             "/icd-10-cm/E11/?page={}", "/go/?q={}", "/reference/changes/?kind=rvu&from={}&to=RVU26C&code=99213",
             "/coverage/?q={}", "/modifiers/{}/", "/cpt/{}/", "/icd-10-cm/{}/"]


@pytest.mark.django_db
def test_hostile_values_in_every_form_and_page_parameter_get_no_5xx(open_limits):
    from urllib.parse import quote

    subscriber = Client(raise_request_exception=False)
    subscriber.force_login(make_user("sub@example.com", subscriber=True))
    tried, failures = 0, []
    for url, fields, base, who in FORMS:
        client = subscriber if who else Client(raise_request_exception=False)
        for field in fields:
            for value in HOSTILE:
                response = client.post(url, {**base, field: value})
                tried += 1
                _check(response, f"POST {url} {field}={value[:20]!r}", failures)
    for template in GET_PAGES:
        for value in HOSTILE:
            url = template.format(quote(value, safe=""))
            response = subscriber.get(url)
            tried += 1
            _check(response, f"GET {url[:80]}", failures)
            head = subscriber.head(url)
            _check(head, f"HEAD {url[:80]}", failures)
    print(f"hostile form and page probes: {tried} requests (and as many HEADs), {len(failures)} 5xx")
    assert tried > 500
    assert not failures, failures


@pytest.mark.django_db
def test_a_huge_upload_is_refused_before_it_is_read():
    client = Client(raise_request_exception=False)
    client.force_login(make_user("sub@example.com", subscriber=True))
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (32 * 1024 * 1024), content_type="application/pdf")
    response = client.post("/caseconsultant/new/", {"subject": "s", "question": "q", "files": big})
    assert response.status_code == 200 and "too large" in response.content.decode()


# The metering-leak scan. ---------------------------------------------------------------------------

CODES = ["cpt:27447", "cpt:20610", "cpt:99213", "hcpcs:J1100", "icd10cm:E11.9", "icd10cm:S72.001A",
         "icd10cm:A15.0", "icd10pcs:0DTJ4ZZ"]
HEADING_QUESTIONS = ["guidelines for tuberculosis", "guidelines for diabetes mellitus", "notes for injuries to the head",
                     "guidelines for pregnancy", "notes for malignant neoplasms"]
QUESTIONS = ["What is the MUE for {}?", "RVUs and fee for {}", "global period of {}", "primary codes for {}",
             "instructions for {}", "Excludes1 notes for {}", "modifiers for {}", "Is {} billable?",
             "Does Medicare cover {}?", "Can {} be billed with 99213?"]


def _text(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _sections(html):
    """{section id: its text} of a code page, headings left out."""
    found = {}
    for match in re.finditer(r'<section id="([\w-]+)" class="section[^"]*">(.*?)</section>', html, re.S):
        found[match.group(1)] = _text(re.sub(r"<h2>.*?</h2>", "", match.group(2), flags=re.S))
    return found


def _phrases(text, shortest=30):
    """The sentences and table rows of a text long enough to be that section's own."""
    return {part.strip() for part in re.split(r"(?<=[.:;])\s+|\s{2,}", text) if len(part.strip()) >= shortest}


def _out_of_views(kind):
    client = Client()
    if kind == "free":
        client.force_login(make_user("free@example.com"))
        spend = ["/cpt/11042/", "/cpt/11043/", "/cpt/11044/", "/cpt/11045/", "/cpt/11046/"]
    else:
        spend = ["/cpt/11042/"]
    for url in spend:
        client.get(url)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["guest", "free"])
def test_no_metered_fact_reaches_a_reader_with_no_views_left(kind, open_limits, settings):
    from medcode.reference import importers
    from tests.factories import PTP_2026Q2

    importers.import_file("ncci-ptp", PTP_2026Q2)
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "GUEST_ADDRESS_DAILY_LIMIT": 100,
                              "GUEST_ADDRESS_WINDOW_LIMIT": 100}
    subscriber = Client()
    subscriber.force_login(make_user("sub@example.com", subscriber=True))
    locked = _out_of_views(kind)
    leaks, compared = [], 0
    for pair in CODES:
        system, raw = pair.split(":")
        code = lookup.find(raw, system)
        url = code.get_absolute_url()
        full, shut = subscriber.get(url).content.decode(), locked.get(url).content.decode()
        shut_text, closed = _text(shut), [key for key, text in _sections(shut).items() if "Register" in text
                                          or "Upgrade" in text or "Verify" in text]
        assert closed, f"{url}: nothing is locked for a {kind} reader with no views left"
        public = f"{code.best_title} {code.summary}"  # what the page shows everyone, in the title and description
        for key in closed:
            for phrase in _phrases(_sections(full).get(key, "")):
                compared += 1
                if phrase in shut_text and phrase.rstrip(".;:") not in public:
                    leaks.append(f"page {url} #{key}: {phrase[:80]}")
        detail = locked.get(f"/api/codes/{system}/{code.display_code}").json()
        compared += 1
        if any(detail.get(field) for field in ("notes", "primary_codes", "extra")):
            leaks.append(f"api {code.display_code}: {[f for f in ('notes', 'primary_codes', 'extra') if detail.get(f)]}")
        for section in ("ncci", "mue", "rvu", "modifiers", "coverage"):
            response = locked.get(f"/api/codes/{system}/{code.display_code}/{section}")
            compared += 1
            if response.status_code == 200:
                leaks.append(f"api {code.display_code}/{section}: 200 for a {kind} reader out of views")
        for question in QUESTIONS:
            ask = json.dumps({"question": question.format(code.display_code)})
            told = subscriber.post("/api/assistant/ask", ask, content_type="application/json").json()
            shut_answer = locked.post("/api/assistant/ask", ask, content_type="application/json").json()["answer"]
            metered = [fact["text"] for fact in told["facts"] if fact["citation"] and re.search(
                r"#(ncci|mue|rvu|addon|modifiers|coverage|crosswalks|instructions|excludes|inclusion|billable|axes)",
                fact["citation"]["url"])]
            for sentence in metered:
                compared += 1
                if sentence in shut_answer and sentence not in _public_answer(question, code):
                    leaks.append(f"CasePilot {question.format(code.display_code)!r}: {sentence[:80]}")
        if system in {"cpt", "hcpcs"}:
            for tool, data in (("/tools/claim-check/", {"lines": f"{raw}\n99213", "setting": "practitioner"}),
                               ("/tools/fees/", {"codes": raw})):
                compared += 1
                shut_tool = _text(locked.post(tool, data).content.decode())
                if "$" in shut_tool.split("Fee calculator")[-1] and tool.endswith("fees/") and "Upgrade" not in shut_tool \
                        and "Register" not in shut_tool:
                    leaks.append(f"{tool} {raw}: ran for a {kind} reader out of views")
                if tool.endswith("claim-check/") and ("above the MUE" in shut_tool or "is denied" in shut_tool):
                    leaks.append(f"{tool} {raw}: findings for a {kind} reader out of views")
            changes = locked.get("/api/reference/changes", {"kind": "mue-practitioner", "from": "2026Q2",
                                                             "to": "2026Q2", "code": raw}).json()
            compared += 1
            if changes.get("changed") is not None:
                leaks.append(f"changes {raw}: values listed")
    for question in HEADING_QUESTIONS:  # no code named: the chapter and block notes CasePilot finds
        ask = json.dumps({"question": question})
        told = subscriber.post("/api/assistant/ask", ask, content_type="application/json").json()
        shut_answer = locked.post("/api/assistant/ask", ask, content_type="application/json").json()["answer"]
        for fact in told["facts"]:
            if fact["citation"] and fact["citation"]["url"].endswith("#instructions"):
                compared += 1
                if fact["text"] in shut_answer:
                    leaks.append(f"CasePilot {question!r}: {fact['text'][:80]}")
    print(f"metering scan, {kind}: {compared} comparisons, {len(leaks)} leaks")
    assert compared > 200
    assert not leaks, "\n".join(leaks)


def _public_answer(question, code):
    """What CasePilot tells anyone about the code: its public description and title."""
    return f"{code.best_title} {code.summary}"


def test_the_default_settings_are_safe(tmp_path):
    """A fresh run with no configuration: debug pages off, a random secret key made once and kept
    (mode 0600), HTTPS rules off on this machine's names and on for any other host."""
    probe = ("import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'medcode.settings'; django.setup(); "
             "from django.conf import settings as s; "
             "print(s.DEBUG, s.SECRET_KEY, s.HTTPS, getattr(s, 'SESSION_COOKIE_SECURE', False))")
    env = {"PATH": "/usr/bin:/bin", "MEDCODE_VAR_DIR": str(tmp_path), "HOME": str(tmp_path)}

    def run(**extra):
        out = subprocess.run([sys.executable, "-c", probe], env={**env, **extra}, capture_output=True, text=True,
                             check=True).stdout.split()
        return out

    debug, key, https, secure = run()
    assert debug == "False" and https == "False" and secure == "False"
    assert len(key) >= 50 and key != "dev-only-insecure-key"
    stored = tmp_path / "secret_key"
    assert stored.read_text() == key and oct(stored.stat().st_mode & 0o777) == "0o600"
    assert run()[1] == key, "the key is kept across restarts"
    assert run(MEDCODE_ALLOWED_HOSTS="codes.clinic.example")[2:] == ["True", "True"]
    assert run(MEDCODE_SECRET_KEY="from-the-environment-" + "x" * 40)[1].startswith("from-the-environment-")
    assert run(MEDCODE_DEBUG="1")[0] == "True"


# One regression test per finding of the outside probe. ---------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/codes/icd-10-cm?offset=9223372036854775808",
                                 "/api/codes/icd-10-cm/E11/children?offset=9223372036854775808",
                                 "/api/codes/cpt/99213/ncci?offset=99999999999999999999"])
def test_an_offset_past_any_page_is_a_400_not_an_overflow(client, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400 and "offset" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("codes", ["-", ",-,", " - , -- "])
def test_a_fee_list_without_a_code_is_a_clear_400(codes):
    client = Client(raise_request_exception=False)
    assert client.get("/api/reference/fees", {"codes": codes}).json()["detail"].endswith("holds no code.")
    page = client.post("/tools/fees/", {"codes": codes})
    assert page.status_code == 200 and "holds no code" in page.content.decode()


@pytest.mark.django_db
def test_a_claim_check_body_over_the_limit_is_a_413_in_json():
    body = json.dumps({"lines": [{"code": "99213"}], "pad": "x" * 3_000_000})
    response = Client(raise_request_exception=False).post("/api/reference/claim-check", body,
                                                          content_type="application/json")
    assert response.status_code == 413 and "over" in response.json()["detail"]


@pytest.mark.django_db
def test_an_api_failure_is_json_not_an_html_page(monkeypatch):
    from medcode.reference import api as reference_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(reference_api.fees, "localities", broken)
    response = Client(raise_request_exception=False).get("/api/reference/localities")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert "boom" not in response.content.decode() and response.json()["detail"]


@pytest.mark.django_db
def test_a_cross_site_post_with_the_session_cookie_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("sub@example.com", subscriber=True))
    claim = json.dumps({"lines": [{"code": "99213"}, {"code": "20610"}]})
    refused = client.post("/api/reference/claim-check", claim, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/tools/claim-check/")  # the page sets the token, as a browser on medcode would have it
    allowed = client.post("/api/reference/claim-check", claim, content_type="application/json",
                          HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert allowed.status_code == 200
    _, token = ApiToken.issue(make_user("api@example.com", subscriber=True), "script")
    scripted = Client(enforce_csrf_checks=True).post("/api/reference/claim-check", claim,
                                                     content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert scripted.status_code == 200, "a token is not a cookie: no CSRF token is needed"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/cpt/", "/cpt/99213/", "/icd-10-cm/E11.9/", "/case2code/?q=knee", "/careers/",
                                 "/modifiers/", "/reference/", "/tools/claim-check/", "/caseconsultant/"])
def test_head_answers_like_get(client, url):
    head, get = client.head(url), client.get(url)
    assert head.status_code == get.status_code == 200 and not head.content


@pytest.mark.django_db
@pytest.mark.parametrize("field, value, error", [
    ("title", "Billing coder\r\nBcc: victim@example.com", "one line of plain text"),
    ("organisation", "Clinic\x00", "Null characters are not allowed"),
    ("organisation", "Clinic\tBcc", "one line of plain text"),
    ("years_experience", "9200000000000000000", "less than or equal to 50"),
    ("years_experience", "-1", "greater than or equal to 0"),
    ("apply_url", "ftp://files.example.com/apply", "Enter a valid URL"),
    ("apply_url", "javascript:alert(1)", "Enter a valid URL"),
])
def test_a_job_form_refuses_values_that_break_mail_or_storage(field, value, error):
    from medcode.careers.models import Employer, Job, Specialty

    client = Client()
    user = make_user("hr@clinic.example")
    Employer.objects.create(user=user, name="Clinic", verified_at=timezone.now())
    client.force_login(user)
    form = {"title": "Billing coder", "organisation": "Clinic", "zip_code": "78701", "work_mode": "onsite",
            "employment_type": "full_time", "years_experience": 2, "salary_period": "year", "salary_min": "45000",
            "description": "Charge entry.", "specialties": [Specialty.objects.get(slug="em").pk], field: value}
    page = client.post("/careers/employer/jobs/new/", form).content.decode()
    assert error in unescape(page) and not Job.objects.exists()


@pytest.mark.django_db
def test_a_job_title_never_breaks_its_emails(settings):
    """Mail subjects are one line whatever went into them: a stored title with a line break (from before
    the form refused them, or the admin) still gives a well-formed email."""
    from django.core import mail

    from medcode.common import mail as outbox

    outbox.queue("hr@clinic.example", "Your job is live: Coder\r\nBcc: victim@example.com", "Body")
    assert mail.outbox[-1].subject == "Your job is live: Coder Bcc: victim@example.com"
    assert mail.outbox[-1].recipients() == ["hr@clinic.example"]


@pytest.mark.django_db
def test_unicode_spacing_cannot_carry_phi_past_the_web_form():
    from medcode.consult.models import Case

    client = Client()
    client.force_login(make_user("sub@example.com", subscriber=True))
    question = "DOB:\u00a003/14/1962 MRN:\u00a012345678 SSN\u00a0123456789 (555)\u00a0234-5678 for 27447?"
    page = unescape(client.post("/caseconsultant/new/", {"subject": "TKA", "question": question}).content.decode())
    assert "date of birth" in page and "Social Security number" in page and not Case.objects.exists()
