"""Pages in headless Chromium, against a real `medcode serve` on a freshly loaded database."""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.factories import REFERENCE_FIXTURES, free_port

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Site:
    url: str
    home: Path
    env: dict
    medcode: str

    def __add__(self, path):
        return self.url + path

    def run(self, *args):
        return subprocess.run([self.medcode, *args], env=self.env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def medcode_site(tmp_path_factory):
    """What a newcomer gets: `medcode migrate`, `medcode load-data`, `medcode serve`."""
    home = tmp_path_factory.mktemp("site")
    env = {
        **os.environ, "MEDCODE_VAR_DIR": str(home), "DATABASE_URL": f"sqlite:///{home / 'medcode.sqlite3'}",
        # Mail lands in files the tests read; every browser here shares 127.0.0.1, so the
        # per-address guest ceiling (tested in test_locking) must not limit them.
        "MEDCODE_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "MEDCODE_EMAIL_FILE_PATH": str(home / "mail"), "MEDCODE_GUEST_ADDRESS_DAILY_LIMIT": "1000",
        "MEDCODE_GUEST_ADDRESS_WINDOW_LIMIT": "1000",
        # Search runs on words here: embedding the whole catalogue takes minutes (test_search_semantic).
        "MEDCODE_SEMANTIC": "off",
        # Mailed cases arrive through an MX that vouches for their senders (DMARC), as _send_mail writes it.
        "MEDCODE_CONSULT_AUTHSERV_IDS": "mx.medcode.test", "MEDCODE_CONSULT_VERIFY_DKIM": "0",
    }
    medcode = shutil.which("medcode", path=str(Path(sys.executable).parent)) or "medcode"
    subprocess.run([medcode, "migrate", "--noinput", "-v0"], env=env, check=True)
    loaded = subprocess.run([medcode, "load-data"], env=env, check=True, capture_output=True, text=True)
    assert "done in" in loaded.stdout
    port = free_port()
    server = subprocess.Popen([medcode, "serve", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("medcode serve did not start")
            time.sleep(0.3)
    yield Site(url, home, env, medcode)
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def log_in_as_subscriber(tab, medcode_site, email, password="a long passphrase 7"):
    """A verified account with a subscription, made from the command line, logged in through the page."""
    medcode_site.run("shell", "-c", "from django.utils import timezone; from medcode.accounts.models import User; "
                     f"User.objects.create_user('{email}', '{password}', email_verified_at=timezone.now())")
    medcode_site.run("plan", "set", email, "subscriber", "--until", "2099-12-31")
    tab.goto(medcode_site + "/accounts/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()


def test_add_on_code_page_as_a_coder_sees_it(tab, medcode_site):
    tab.goto(medcode_site + "/cpt/20700/")
    assert tab.locator("h1").inner_text() == "20700"
    assert tab.locator(".badge.addon").is_visible()
    common = tab.locator("#common").inner_text()
    assert "antibiotic" in common
    addon = tab.locator("#addon")
    assert "20700 is an add-on code" in addon.inner_text()
    addon.get_by_role("link", name="11043").click()
    tab.wait_for_url("**/cpt/11043/")
    assert tab.locator("h1").inner_text() == "11043"
    assert "wound" in tab.locator("#common").inner_text()


def test_code_box_and_icd_hierarchy(tab, medcode_site):
    tab.goto(medcode_site + "/")
    tab.get_by_label("Code").fill("s72.001a")
    tab.get_by_label("Code").press("Enter")
    tab.wait_for_url("**/icd-10-cm/S72.001A/")
    crumbs = tab.get_by_role("navigation", name="Breadcrumb")
    for node in ["ICD-10-CM", "19", "S70-S79", "S72", "S72.0", "S72.00", "S72.001"]:
        assert crumbs.get_by_role("link", name=node, exact=True).is_visible()
    assert "Fracture of hip NOS" in tab.locator("#inclusion").inner_text()
    assert "traumatic amputation of hip and thigh" in tab.locator("#excludes").inner_text()
    crumbs.get_by_role("link", name="S72", exact=True).click()
    tab.wait_for_url("**/icd-10-cm/S72/")
    assert "Fracture of femur" in tab.locator("#official").inner_text()


def test_unknown_code_page_offers_close_codes(tab, medcode_site):
    response = tab.goto(medcode_site + "/icd-10-pcs/0DTJ4ZX/")
    assert response.status == 404
    assert tab.get_by_role("heading", name="Code not found").is_visible()
    tab.get_by_role("link", name="0DTJ4ZZ").first.click()
    tab.wait_for_url("**/icd-10-pcs/0DTJ4ZZ/")
    assert "Percutaneous Endoscopic" in tab.locator("#axes").inner_text()


def _counter(tab):
    return tab.get_by_role("status", name="Code page views").inner_text()


def test_guest_registers_verifies_uses_free_views_then_subscribes(tab, medcode_site):
    # A guest's first code page shows every section.
    tab.goto(medcode_site + "/icd-10-cm/S72.001A/")
    assert "Fracture of hip NOS" in tab.locator("#inclusion").inner_text()
    assert "0 code page views remaining" in _counter(tab)

    # The second is locked: descriptions stay, reference content is not even in the source.
    tab.goto(medcode_site + "/cpt/20700/")
    assert "antibiotic" in tab.locator("#common").inner_text()
    addon = tab.locator("#addon")
    assert "Register to view content" in addon.inner_text()
    assert "Create a free account to unlock this content" in addon.inner_text()
    assert "20700 is an add-on code" not in tab.content()  # the add-on rules section's own words

    # Register from the counter's link, verify by the emailed link, come back to the page.
    tab.get_by_role("link", name="Register free account to get 5 more views").click()
    email = "new.coder@example.com"
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password", exact=True).fill("a long passphrase 7")
    tab.get_by_label("Password confirmation").fill("a long passphrase 7")
    tab.get_by_role("button", name="Create account").click()
    assert tab.get_by_role("heading", name="Check your email").is_visible()
    link = re.search(r"http://\S+/accounts/verify/\S+/", _wait_for_mail(medcode_site, email, "/accounts/verify/")).group(0)
    tab.goto(link)
    tab.wait_for_url("**/cpt/20700/")
    assert "20700 is an add-on code" in tab.locator("#addon").inner_text()
    assert "4 code page views remaining" in _counter(tab)

    # Four more pages use the free views up; the next one asks to upgrade.
    for url in ["/icd-10-cm/E11.9/", "/hcpcs/J1100/", "/icd-10-pcs/0DTJ4ZZ/", "/cpt/99213/"]:
        tab.goto(medcode_site + url)
        assert "Register to view content" not in tab.content()
    assert "0 code page views remaining" in _counter(tab)
    tab.goto(medcode_site + "/icd-10-cm/S72.002A/")
    assert "Upgrade to view content" in tab.locator("#inclusion").inner_text()
    assert tab.get_by_role("link", name="Upgrade for unlimited").is_visible()
    assert "Fracture of hip NOS" not in tab.content()

    # Staff grant a subscription from the command line: everything opens.
    assert "subscriber" in medcode_site.run("plan", "set", email, "subscriber", "--until", "2099-12-31")
    tab.reload()
    assert "Fracture of hip NOS" in tab.locator("#inclusion").inner_text()
    assert "unlimited" in _counter(tab)
    assert "Upgrade to view content" not in tab.content()


def test_wrong_passwords_lock_the_log_in(tab, medcode_site):
    medcode_site.run("shell", "-c", "from medcode.accounts.models import User; "
                     "User.objects.create_user('locked@example.com', 'a long passphrase 7')")
    tab.goto(medcode_site + "/accounts/login/")
    for _ in range(5):
        tab.get_by_label("Email").fill("locked@example.com")
        tab.get_by_label("Password").fill("not my password")
        tab.get_by_role("button", name="Log in").click()
    assert tab.get_by_role("heading", name="Too many failed log-ins").is_visible()
    tab.goto(medcode_site + "/accounts/login/")
    tab.get_by_label("Email").fill("locked@example.com")
    tab.get_by_label("Password").fill("a long passphrase 7")
    tab.get_by_role("button", name="Log in").click()
    assert tab.get_by_role("heading", name="Too many failed log-ins").is_visible()


def test_subscriber_checks_a_claim_and_reads_the_reference_sections(tab, medcode_site):
    fixtures = REFERENCE_FIXTURES
    imported = medcode_site.run("import", "ncci-ptp", str(fixtures / "ccipra-v321r0-f1.txt"),
                                str(fixtures / "ccipra-v321r0-f2.txt"))
    assert "NCCI PTP edits, practitioner 2026Q2: 5 rows" in imported
    log_in_as_subscriber(tab, medcode_site, "biller@example.com")

    # 99213: MUE and a fee for the locality picked from the section's own form.
    tab.goto(medcode_site + "/cpt/99213/")
    assert "MAI 3" in tab.locator("#mue").inner_text()
    tab.locator("#rvu select[name=locality]").select_option("09102-04")
    tab.locator("#rvu").get_by_role("button", name="Show").click()
    tab.wait_for_url("**locality=09102-04**")
    assert "$101.79" in tab.locator("#rvu table.payment").inner_text()  # Miami, non-facility

    # The claim check flags the add-on without its primary and the PTP pair, and accepts the bypass.
    tab.get_by_role("link", name="Claim check").click()
    tab.get_by_label("Claim lines").fill("20700\n11042\n97597")
    tab.get_by_label("Date of service").fill("2026-05-01")
    tab.get_by_role("button", name="Check the claim").click()
    findings = tab.locator("ul.findings").inner_text()
    assert "20700 is an add-on code reported without an eligible primary code" in findings
    assert "97597 is denied" in findings
    tab.get_by_label("Claim lines").fill("11043\n20700\n11042\n97597-59")
    tab.get_by_role("button", name="Check the claim").click()
    assert "bypassed by modifier 59" in tab.locator("ul.findings").inner_text()
    assert "Denied" not in tab.locator("ul.findings").inner_text()


def test_medcode_serve_is_a_production_server_with_static_files(medcode_site):
    page = urllib.request.urlopen(medcode_site + "/icd-10-cm/E11.9/", timeout=10)
    assert page.status == 200 and page.headers["Server"] == "gunicorn"  # not Django's WSGIServer
    style = urllib.request.urlopen(medcode_site + "/static/medcode/medcode.css", timeout=10)
    assert style.status == 200 and b"{" in style.read()


def test_search_box_suggests_and_the_keyboard_picks(tab, medcode_site):
    tab.goto(medcode_site + "/cpt/20700/")
    box = tab.get_by_role("combobox", name="Code or words")
    box.press_sequentially("broken hi", delay=40)
    options = tab.get_by_role("option")
    # Suggestions come as the words are typed ("bro" first): wait for those of the whole text.
    tab.get_by_role("option").filter(has_text=re.compile(r"^\s*S72\.")).first.wait_for()
    assert any(text.startswith("S72.") for text in options.all_inner_texts()), options.all_inner_texts()
    box.press("ArrowDown")
    box.press("ArrowDown")
    chosen = tab.locator('[role="option"][aria-selected="true"]')
    code = chosen.locator(".code").inner_text()
    assert box.get_attribute("aria-activedescendant") == chosen.get_attribute("id")
    box.press("Enter")
    tab.wait_for_url(f"**/{code}/")
    assert tab.locator("h1").inner_text() == code


def test_search_page_lists_ranked_codes_with_filters(tab, medcode_site):
    tab.goto(medcode_site + "/case2code/")
    tab.get_by_label("Code or words", exact=True).last.fill("type 2 diabetes w/o complications")
    tab.get_by_label("Code set").select_option("icd-10-cm")
    tab.get_by_label("Billable codes only").check()
    tab.get_by_role("button", name="Search").last.click()
    tab.wait_for_url("**/case2code/?*")
    results = tab.locator("ol.results > li")
    assert "E11.9" in results.first.inner_text()
    assert "Matched:" in results.first.inner_text()
    results.get_by_role("link", name="E11.9").first.click()
    tab.wait_for_url("**/icd-10-cm/E11.9/")


def test_casepilot_from_a_code_page_answers_with_sources_to_follow(tab, medcode_site):
    tab.goto(medcode_site + "/cpt/27130/")
    tab.locator("#ask-q").fill("What's the global period for 27130?")
    tab.get_by_role("button", name="Ask CasePilot").click()
    tab.wait_for_url("**/casepilot/?q=*")
    assert tab.get_by_label("Your question").input_value() == "What's the global period for 27130?"
    tab.get_by_role("button", name="Ask", exact=True).click()
    answer = tab.locator("#chat .turn .answer").last
    answer.locator("a.cite").first.wait_for()
    assert "Global period of 27130: 090" in answer.inner_text()
    assert tab.get_by_label("Your question").input_value() == ""  # answered in place, the box is ready again
    answer.get_by_role("link", name="CPT 27130 · RVU").click()
    tab.wait_for_url("**/cpt/27130/#rvu")
    assert tab.locator("h1").inner_text() == "27130"


def _wait_for_mail(site, address, containing, timeout=90):  # generous: the worker shares 2 cores with the suite
    """The email to address holding a text, once the site's worker has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted((site.home / "mail").glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
            text = path.read_text()
            if f"To: {address}" in text and containing in text:
                return text
        time.sleep(0.3)
    pytest.fail(f"no email to {address} holding {containing!r}")


def _send_mail(port, sender, subject, body, reply_to=None):
    import smtplib
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["Authentication-Results"] = f"mx.medcode.test; dmarc=pass header.from={sender.rpartition('@')[2]}"
    message["From"], message["To"], message["Subject"] = sender, "cases@localhost", subject
    message["Message-ID"] = make_msgid(domain="clinic.example")
    if reply_to:
        message["In-Reply-To"] = message["References"] = reply_to
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.send_message(message)


def test_a_case_by_email_is_answered_from_the_consultant_queue(tab, medcode_site):
    """`medcode serve` (with its worker) plus `medcode consult smtpd`: email in, consultant answers, email out."""
    coder, expert = "ortho.coder@clinic.example", "dana.expert@medcode.example"
    medcode_site.run("shell", "-c", "from django.utils import timezone; from medcode.accounts.models import User; "
                     f"User.objects.create_user('{coder}', 'a long passphrase 7', email_verified_at=timezone.now()); "
                     f"User.objects.create_user('{expert}', 'a long passphrase 7', email_verified_at=timezone.now(), "
                     "full_name='Dana Expert')")
    medcode_site.run("plan", "set", coder, "subscriber", "--until", "2099-12-31")
    assert "works the CaseConsultant queue" in medcode_site.run("consult", "add-consultant", expert)
    port = free_port()
    receiver = subprocess.Popen([medcode_site.medcode, "consult", "smtpd", f"127.0.0.1:{port}"], env=medcode_site.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "SMTP receiver" in receiver.stdout.readline()
        _send_mail(port, coder, "Arthrocentesis with knee arthroplasty",
                   "Can 20610 be billed with 27447-RT on the same knee, same day?")
        ack = _wait_for_mail(medcode_site, coder, "We have your case")
        number = re.search(r"\[medcode case #(\d+)\]", ack).group(1)
        assert "24 business hours" in ack

        # The consultant logs in, finds the case in the queue, claims it and answers from CasePilot's draft.
        tab.goto(medcode_site + "/accounts/login/?next=/caseconsultant/queue/")
        tab.get_by_label("Email").fill(expert)
        tab.get_by_label("Password").fill("a long passphrase 7")
        tab.get_by_role("button", name="Log in").click()
        tab.wait_for_url("**/caseconsultant/queue/")
        tab.get_by_role("link", name=f"#{number}").click()
        assert tab.get_by_role("heading", name=f"Case #{number}: Arthrocentesis with knee arthroplasty").is_visible()
        assert tab.locator(".thread").get_by_role("link", name="20610").get_attribute("href") == "/cpt/20610/"
        tab.get_by_role("button", name="Claim").click()
        assert expert in tab.locator(".case-facts").inner_text()
        tab.get_by_role("button", name="Start the reply from this draft").click()
        draft = tab.get_by_label("Reply to the submitter (sent by email and shown on the case)")
        assert "27447" in draft.input_value()
        draft.fill("20610 on the same knee is included in 27447: report 27447-RT only.")
        tab.get_by_label("Internal note (never shown to the submitter)").fill("NCCI manual ch. 4 checked")
        tab.get_by_role("button", name="Add note").click()
        tab.get_by_label("Reply to the submitter (sent by email and shown on the case)").fill(
            "20610 on the same knee is included in 27447: report 27447-RT only.")
        tab.get_by_role("button", name="Send reply").click()
        assert "Answered" in tab.locator(".case-facts").inner_text()

        # The answer reaches the coder by email, threaded; the coder's reply reopens the case.
        answer = _wait_for_mail(medcode_site, coder, "included in 27447")
        message_id = re.search(r"^Message-ID: (<[^>]+>)", answer, re.M).group(1)
        _send_mail(port, coder, "Re: thanks", "Thanks! And the left knee next week?", reply_to=message_id)
        deadline = time.monotonic() + 30
        while "the left knee next week" not in tab.locator(".thread").inner_text():
            assert time.monotonic() < deadline, "the reply did not reach the case"
            time.sleep(0.5)
            tab.reload()
        assert "Waiting for the consultant" in tab.locator(".case-facts").inner_text()
        assert "NCCI manual ch. 4 checked" in tab.locator(".notes").inner_text()
        tab.get_by_role("link", name="← Queue").click()
        assert tab.get_by_role("link", name=f"#{number}").is_visible()
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


def _log_in(tab, site, email, password="a long passphrase 7", next_url="/"):
    tab.goto(site + f"/accounts/login/?next={next_url}")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(f"**{next_url}")


def test_a_coder_finds_and_applies_and_the_employer_moves_the_application(browser, medcode_site, tmp_path):
    assert "36 live jobs" in medcode_site.run("demo-jobs")
    coder, employer = "rachel.coder@example.com", "talent@brightmeadow-risk.example.com"
    medcode_site.run("shell", "-c", "from django.utils import timezone; from medcode.accounts.models import User; "
                     f"User.objects.create_user('{coder}', 'a long passphrase 7', email_verified_at=timezone.now()); "
                     f"u = User.objects.get(email='{employer}'); u.set_password('a long passphrase 7'); u.save()")
    resume = tmp_path / "Rachel resume.docx"
    with zipfile.ZipFile(resume, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>CRC, 4 years of HCC review'
                         '</w:t></w:r></w:p></w:body></w:document>')

    coder_tab = browser.new_context().new_page()
    _log_in(coder_tab, medcode_site, coder, next_url="/careers/")
    coder_tab.get_by_label("Keywords").fill("risk adjustment")
    coder_tab.get_by_role("button", name="Search jobs").click()
    everywhere = coder_tab.locator("ol.jobs > li.job").count()
    coder_tab.get_by_label("Remote").check()
    coder_tab.get_by_label("Credential").select_option("CRC")
    coder_tab.get_by_role("button", name="Search jobs").click()
    coder_tab.wait_for_url("**mode=remote**")
    remote = coder_tab.locator("ol.jobs > li.job")
    assert 0 < remote.count() < everywhere
    assert all("Remote" in text for text in remote.all_inner_texts())
    coder_tab.get_by_role("link", name="Risk Adjustment Coder – Retrospective Review").click()
    assert "JobPosting" in coder_tab.locator('script[type="application/ld+json"]').text_content()
    coder_tab.get_by_label("Résumé (PDF or DOCX, at most 5 MB)").set_input_files(str(resume))
    coder_tab.get_by_label("Note to the employer").fill("I review 30 charts an hour at 95% accuracy.")
    coder_tab.get_by_role("button", name="Send application").click()
    coder_tab.wait_for_url("**/careers/applications/")
    assert "Received" in coder_tab.locator("td.status").first.inner_text()

    employer_tab = browser.new_context().new_page()
    _log_in(employer_tab, medcode_site, employer, next_url="/careers/employer/")
    row = employer_tab.locator("tr", has_text="Risk Adjustment Coder – Retrospective Review")
    row.get_by_role("link", name="1", exact=True).click()
    assert "I review 30 charts an hour" in employer_tab.locator("table").inner_text()
    employer_tab.get_by_label(f"Status of {coder}").select_option("interview")
    employer_tab.get_by_role("button", name="Update").click()
    assert employer_tab.get_by_label(f"Status of {coder}").input_value() == "interview"
    with employer_tab.expect_download() as download:
        employer_tab.get_by_role("link", name="Rachel resume.docx").click()
    assert download.value.suggested_filename == "Rachel resume.docx"

    coder_tab.reload()
    assert "Interview" in coder_tab.locator("td.status").first.inner_text()
    assert "moved your application for" in _wait_for_mail(medcode_site, coder, "to interview.")


def test_a_biller_scrubs_a_claim_and_a_file_of_claims(tab, medcode_site, tmp_path):
    """The shipped NCCI PTP edits on a code page, a whole claim on /claims/, an 837P file on /claims/batch/."""
    log_in_as_subscriber(tab, medcode_site, "scrubber@example.com")

    # Outpatient hospital: an earlier test loads a small 2026 Q2 practitioner release beside the shipped one.
    tab.goto(medcode_site + "/cpt/27447/?date=2026-11-02&ncci_setting=hospital&ncci_code=20610")
    ncci = tab.locator("#ncci").inner_text()
    assert "Release 2024Q3 (Outpatient hospital" in ncci and "a newer release was due by Oct 1, 2024" in ncci
    assert "20610" in ncci

    tab.get_by_role("link", name="Claim scrubber").click()
    tab.get_by_label("Diagnoses").fill("O80\nS72.001")
    tab.get_by_label("Service lines").fill("29881 @ A\n20610 @ A\n99213")
    tab.get_by_label("Date of service").fill("2026-11-02")
    tab.get_by_label("Age").fill("5")
    tab.get_by_label("Setting").select_option("hospital")  # the shipped 2024 Q3 outpatient hospital edits
    tab.get_by_role("button", name="Scrub the claim").click()
    findings = tab.locator("ul.findings").inner_text()
    assert "maternity code, ages 9-64" in findings  # MCE age edit
    assert "S72.001 needs its 7th character" in findings
    assert "20610 is denied" in findings  # PTP pair from the shipped release
    assert "Line 3 (99213) points at no diagnosis" in findings

    generator = Path(__file__).resolve().parent.parent / "bench" / "make_837.py"
    claims = tmp_path / "office.837"
    subprocess.run([sys.executable, str(generator), "--claims", "200", "--faults", "--out", str(claims)], check=True)
    tab.get_by_role("link", name="check an 837P or CSV file").click()
    tab.get_by_label("File").set_input_files(str(claims))
    tab.get_by_role("button", name="Check the file").click()
    tab.wait_for_url("**/claims/batch/*/")
    summary = tab.locator("main").inner_text()
    assert "200 claims checked" in summary and "2 unreadable" in summary
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Download CSV").click()
    assert Path(download.value.path()).read_text().startswith("claim_id,status,severity")

    tab.goto(medcode_site + "/claims/batch/")
    tab.get_by_label("File").set_input_files(files=[{"name": "broken.837", "mimeType": "text/plain",
                                                     "buffer": b"ISA*00*broken~"}])
    tab.get_by_role("button", name="Check the file").click()
    assert "cannot be read" in tab.get_by_role("alert").inner_text()


def test_an_inpatient_coder_groups_a_stay_and_reads_what_each_code_is_worth(tab, medcode_site):
    loaded = medcode_site.run("shell", "-c", "from medcode.reference.models import DataRelease as D; "
                              "print(sorted(D.objects.filter(kind__startswith='ptp', label='2024Q3').values_list('rows', flat=True)))")
    assert loaded.strip().splitlines()[-1] == "[1775818, 2546017]"  # load-data loads the shipped PTP files whole
    log_in_as_subscriber(tab, medcode_site, "drg.validator@hospital.example")
    tab.goto(medcode_site + "/icd-10-cm/N17.9/?date=2026-12-01")
    section = tab.locator("#drg")
    assert "MS-DRG v44.0" in section.inner_text() and "CC" in section.inner_text()
    section.get_by_label("Is it a CC with principal diagnosis").fill("I50.20")
    section.get_by_role("button", name="Check").click()
    assert "counts as a CC" in tab.locator("#drg").inner_text()
    tab.locator("#drg").get_by_role("link", name="group a stay with N17.9").click()
    tab.wait_for_url("**/drg/?principal=N17.9")
    assert tab.get_by_label("Principal diagnosis").input_value() == "N17.9"
    tab.get_by_label("Principal diagnosis").fill("A41.51 Y")
    tab.get_by_label("Secondary diagnoses").fill("R65.21 Y\nN39.0 Y")
    tab.get_by_label("Discharge date").fill("2026-12-01")
    tab.get_by_role("button", name="Group the stay").click()
    heading = tab.locator("#grouping h2").inner_text()
    assert "871" in heading and "Septicemia" in heading
    without = tab.locator("#what-ifs tr", has_text="Without R65.21").inner_text()
    assert "872" in without and "Yes" in without
    tab.locator("#grouping h2").get_by_role("link", name="871").click()
    tab.wait_for_url("**/drg/871/")
    assert "872" in tab.locator("dl.facts").inner_text() and "A41.51" in tab.locator("#principals").inner_text()


def test_a_risk_adjustment_coder_reads_a_code_s_hccs_and_scores_a_member(tab, medcode_site):
    log_in_as_subscriber(tab, medcode_site, "hcc.auditor@plan.example")
    tab.goto(medcode_site + "/icd-10-cm/E11.9/")
    section = tab.locator("#hcc")
    assert "HCC 38 Diabetes with Glycemic, Unspecified, or No Complications" in section.inner_text()
    assert "HCC 19 Diabetes without Complication" in section.locator("#hcc-models").inner_text()
    section.get_by_role("link", name="Score a member with E11.9").click()
    tab.wait_for_url("**/hcc/?diagnoses=E11.9")
    assert tab.get_by_label("Diagnoses").input_value() == "E11.9"
    tab.get_by_label("Diagnoses").fill("E11.9\nI10\nN18.30\nI50.20")
    tab.get_by_label("Age").fill("67")
    tab.get_by_label("Sex").select_option("F")
    tab.get_by_label("Payment year").select_option("2026")
    tab.get_by_role("button", name="Score the member").click()
    summary = tab.locator("#hcc-summary").inner_text()
    assert "1.271" in summary and "1.105" in summary and "HCC 38, HCC 226, HCC 329" in summary
    assert "1.271" in tab.locator("#hcc-blend").inner_text()
    v28 = tab.locator("#model-V28")
    assert "diabetes × heart failure" in v28.inner_text()
    assert "N18.32 instead of N18.30" in v28.locator("table.what-ifs").inner_text()
