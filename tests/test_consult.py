"""CaseConsultant on the web: sending a case, following it, and the consultant's workspace."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from medcode.common import schedule
from medcode.consult import cases, quota, roles
from medcode.consult.models import AuditEvent, Case, DeadLetter
from tests.factories import docx_bytes, make_user

pytestmark = pytest.mark.django_db
NEW = "/caseconsultant/new/"
QUESTION = {"subject": "Arthrocentesis on the day of a knee replacement",
            "question": "May 20610 be reported with 27447-RT on the same day, same knee?",
            "code_set": "cpt", "specialty": "Orthopedics", "codes_chosen": "27447-RT, 20610", "documentation": ""}


def visible(response):
    """The page's text as a reader sees it: tags dropped (codes are links inside sentences)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def logged_in(email, **kwargs):
    client = Client()
    client.force_login(make_user(email, **kwargs))
    return client


@pytest.fixture
def consultant():
    user = make_user("expert@medcode.example")
    user.full_name = "Dana Expert"
    user.save()
    roles.grant_consultant(user)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def send_case(client, **changes):
    return client.post(NEW, {**QUESTION, **changes})


def test_a_subscriber_sends_a_case_gets_a_receipt_and_follows_it():
    client = logged_in("coder@clinic.example", subscriber=True)
    form = client.get(NEW)
    assert "10 of 10 cases left this month" in form.content.decode()
    response = send_case(client, files=[SimpleUploadedFile("op-note.docx", docx_bytes("Total knee, right. 27447."))])
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/caseconsultant/cases/{case.pk}/"
    receipt = mail.outbox[0]
    assert receipt.to == ["coder@clinic.example"] and case.tag in receipt.subject
    assert "24 business hours" in receipt.body and f"/caseconsultant/cases/{case.pk}/" in receipt.body
    assert receipt.extra_headers["Message-ID"]

    page = client.get(f"/caseconsultant/cases/{case.pk}/").content.decode()
    assert "27447-RT" in visible(client.get(f"/caseconsultant/cases/{case.pk}/")) and "op-note.docx" in page and "Waiting for the consultant" in page
    assert '<a href="/cpt/20610/"' in page, "codes in the question link to their pages"
    assert "Internal note" not in page and "CasePilot draft" not in page
    listing = client.get("/caseconsultant/").content.decode()
    assert f"#{case.pk}" in listing and "1 of 10" in listing


def test_the_answer_is_due_in_business_hours_of_the_plan():
    tz = ZoneInfo("America/New_York")
    friday_4pm = datetime(2026, 11, 27, 16, 0, tzinfo=tz)
    assert quota.due_at("subscriber", friday_4pm) == datetime(2026, 11, 30, 16, 0, tzinfo=tz)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=tz)
    assert quota.due_at("subscriber", saturday) == datetime(2026, 12, 1, 0, 0, tzinfo=tz)
    assert quota.due_at("free", friday_4pm) == datetime(2026, 12, 2, 16, 0, tzinfo=tz)


def test_likely_phi_is_shown_back_and_the_case_is_not_sent():
    client = logged_in("coder@clinic.example", subscriber=True)
    response = send_case(client, documentation="Patient: Robert Jones, DOB 02/03/1950. Seen for knee OA.")
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists() and not mail.outbox
    assert "protected health information" in page and "date of birth" in page and "02/03/1950" in page
    assert "Robert Jones" in page, "the form keeps what was typed, so it can be edited"

    response = send_case(client, files=[SimpleUploadedFile("note.txt", b"Call 555-201-3344 re: 27447")])
    assert "phone or fax number" in response.content.decode() and not Case.objects.exists()


def test_attachments_are_checked_by_content_on_the_form():
    client = logged_in("coder@clinic.example", subscriber=True)
    response = send_case(client, files=[SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\0" * 100)])
    assert "scan.pdf is a Windows program" in response.content.decode() and not Case.objects.exists()
    four = [SimpleUploadedFile(f"n{i}.txt", b"knee 27447") for i in range(4)]
    response = send_case(client, files=four)
    assert "Only 3 attachments are kept" in response.content.decode() and not Case.objects.exists()


def test_a_huge_upload_is_stopped_while_it_is_read(settings):
    client = logged_in("coder@clinic.example", subscriber=True)
    response = send_case(client, files=[SimpleUploadedFile("big.txt", b"a" * (31 * 1024 * 1024 + 10))])
    assert "too large" in response.content.decode() and not Case.objects.exists()


def test_the_form_needs_csrf_a_verified_account_and_quota(settings):
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "MONTHLY": {"free": 1, "subscriber": 10}}
    guest = Client()
    assert guest.get(NEW)["Location"].startswith("/accounts/login/")

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("strict@clinic.example", subscriber=True))
    assert strict.post(NEW, QUESTION).status_code == 403

    unverified = logged_in("new@clinic.example", verified=False)
    assert "Verify your email address first" in unverified.get(NEW).content.decode()
    assert send_case(unverified).status_code == 200 and not Case.objects.exists()

    free = logged_in("free@clinic.example")
    assert send_case(free).status_code == 302
    page = send_case(free, subject="Second").content.decode()
    assert "1 case this month is used" in page and "upgrade" in page
    assert Case.objects.count() == 1


def test_cases_are_private_to_their_submitter_and_consultants(consultant):
    owner = logged_in("coder@clinic.example", subscriber=True)
    send_case(owner, files=[SimpleUploadedFile("op.txt", b"Right knee arthroplasty 27447.")])
    case = Case.objects.get()
    file = case.messages.get().attachments.get()
    stranger = logged_in("other@clinic.example", subscriber=True)
    for url in (f"/caseconsultant/cases/{case.pk}/", f"/caseconsultant/files/{file.pk}/"):
        assert stranger.get(url).status_code == 404
        assert owner.get(url).status_code == 200
        assert consultant.get(url).status_code == 200
    assert stranger.post(f"/caseconsultant/cases/{case.pk}/write/", {"question": "mine now"}).status_code == 404
    assert stranger.get("/caseconsultant/queue/").status_code == 404
    assert stranger.post(f"/caseconsultant/cases/{case.pk}/reply/", {"text": "fake answer"}).status_code == 404
    download = owner.get(f"/caseconsultant/files/{file.pk}/")
    assert download.content == b"Right knee arthroplasty 27447." and download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_the_consultant_claims_drafts_notes_and_answers(consultant):
    owner = logged_in("coder@clinic.example", subscriber=True)
    send_case(owner)
    case = Case.objects.get()
    notified = [m for m in mail.outbox if m.to == ["expert@medcode.example"]]
    assert len(notified) == 1 and f"New case #{case.pk}" in notified[0].subject

    page = consultant.get(f"/caseconsultant/cases/{case.pk}/").content.decode()
    assert "CasePilot draft" in page and "Codes named" in page and 'href="/cpt/27447/"' in page
    assert "coder@clinic.example" in page

    consultant.post(f"/caseconsultant/cases/{case.pk}/claim/")
    other = make_user("second@medcode.example")
    roles.grant_consultant(other)
    rival = Client()
    rival.force_login(other)
    rival.post(f"/caseconsultant/cases/{case.pk}/claim/")
    case.refresh_from_db()
    assert case.claimed_by == consultant.user, "a held case cannot be taken"
    assert rival.post(f"/caseconsultant/cases/{case.pk}/reply/", {"text": "my answer"}).status_code == 302
    assert not case.messages.filter(role="consultant").exists()

    consultant.post(f"/caseconsultant/cases/{case.pk}/note/", {"text": "Check the NCCI policy manual ch. 4."})
    outbox_before = len(mail.outbox)
    consultant.post(f"/caseconsultant/cases/{case.pk}/reply/",
                    {"text": "20610 on the same knee is bundled into 27447; do not report it."})
    case.refresh_from_db()
    assert case.status == "answered"
    reply = mail.outbox[outbox_before]
    assert reply.to == ["coder@clinic.example"] and "bundled into 27447" in reply.body and "Dana Expert" in reply.body
    assert "NCCI policy manual" not in reply.body

    owner_page = visible(owner.get(f"/caseconsultant/cases/{case.pk}/"))
    assert "bundled into 27447" in owner_page and "Answered" in owner_page
    assert "NCCI policy manual" not in owner_page, "internal notes stay internal"
    owner.post(f"/caseconsultant/cases/{case.pk}/write/", {"question": "Thanks. And for the left knee?"})
    case.refresh_from_db()
    assert case.status == "open"
    told = mail.outbox[-1]
    assert told.to == ["expert@medcode.example"] and f"New message on case #{case.pk}" in told.subject
    actions = list(AuditEvent.objects.filter(case=case).order_by("at", "pk").values_list("action", flat=True))
    assert actions[:1] == ["submitted"] and {"viewed", "claimed", "noted", "replied", "reopened"} <= set(actions)


def test_the_queue_is_sorted_by_due_time_and_marks_overdue(consultant):
    first = logged_in("a@clinic.example", subscriber=True)
    send_case(first, subject="Later case")
    send_case(logged_in("b@clinic.example", subscriber=True), subject="Overdue case")
    Case.objects.filter(subject="Overdue case").update(due_at=timezone.now() - timedelta(hours=3))
    page = consultant.get("/caseconsultant/queue/").content.decode()
    assert page.index("Overdue case") < page.index("Later case")
    overdue_row = re.search(r'<tr class="overdue">.*?</tr>', page, re.S).group(0)
    assert "Overdue case" in overdue_row and "Later case" not in overdue_row
    assert "1 overdue" in page


def test_overdue_digest_goes_out_once_a_day(consultant, settings):
    send_case(logged_in("a@clinic.example", subscriber=True), subject="Late one")
    Case.objects.update(due_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "DIGEST_HOUR": 0}
    assert schedule.start_if_due("overdue-digest") is True
    assert schedule.start_if_due("overdue-digest") is False
    digest = [m for m in mail.outbox if "overdue" in m.subject]
    assert len(digest) == 1 and "Late one" in digest[0].body and digest[0].to == ["expert@medcode.example"]


def test_background_work_waits_in_the_database_for_the_worker(settings, monkeypatch):
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    from medcode.site.management.commands import worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for module in (db_worker, worker):  # the worker would close this test's transaction
        monkeypatch.setattr(module, "close_old_connections", lambda: None)
    send_case(logged_in("coder@clinic.example", subscriber=True))
    assert not mail.outbox and DBTaskResult.objects.count() >= 2
    call_command("worker", "--once")
    assert [m.to for m in mail.outbox][:1] == [["coder@clinic.example"]]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def test_the_worker_outlives_a_locked_database_and_sends_the_mail_after_it(settings, monkeypatch):
    """SQLite says "database is locked" when another writer holds it too long: the worker that
    `medcode serve` starts must try again, not die and leave every queued email unsent."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    from medcode.site.management.commands import worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for module in (db_worker, worker):  # the worker would close this test's transaction
        monkeypatch.setattr(module, "close_old_connections", lambda: None)
    command, passes, real_enqueue_due = worker.Command(), [], worker.schedule.enqueue_due

    def locked_once(now=None):
        passes.append(now)
        if len(passes) == 1:
            raise OperationalError("database is locked")
        command.running = False  # the second pass is the last
        return real_enqueue_due(now)

    monkeypatch.setattr(worker.schedule, "enqueue_due", locked_once)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(worker.signal, "signal", lambda *args: None)
    send_case(logged_in("coder@clinic.example", subscriber=True))
    assert not mail.outbox
    command.stderr = io.StringIO()
    command.handle()
    assert "database unavailable (database is locked)" in command.stderr.getvalue()
    assert len(passes) == 2 and [m.to for m in mail.outbox][:1] == [["coder@clinic.example"]]


def test_dead_letters_are_listed_and_retried_by_consultants(consultant, settings):
    make_user("coder@clinic.example", subscriber=True)
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "AUTHSERV_IDS": ["mx.medcode.test"], "VERIFY_DKIM": False}
    DeadLetter.objects.create(raw=b"Authentication-Results: mx.medcode.test; dmarc=pass header.from=clinic.example\r\n"
                                  b"From: coder@clinic.example\r\nSubject: ok now\r\n\r\nJ1100 units?\r\n", size=60,
                              source="imap", sender="coder@clinic.example", subject="ok now", reason="database was down")
    page = consultant.get("/caseconsultant/dead-letters/").content.decode()
    assert "database was down" in page and "ok now" in page
    letter = DeadLetter.objects.get()
    consultant.post(f"/caseconsultant/dead-letters/{letter.pk}/retry/")
    letter.refresh_from_db()
    assert letter.status == "done" and Case.objects.get().subject == "ok now"
    assert AuditEvent.objects.filter(action="retried", actor=consultant.user).exists()


def test_files_sharing_a_name_are_each_screened_and_names_too():
    from medcode.common import uploads

    clean = uploads.check("notes.txt", b"Knee arthroscopy, 29881.")
    phi_text = uploads.check("notes.txt", b"Pt name: John Smith, DOB 03/14/1962, for 29881.")
    named = uploads.check("SMITH_JOHN_DOB_03-14-1962.txt", b"Knee arthroscopy.")
    draft, kinds = cases.masked(cases.Draft(question="29881?", files=[clean, phi_text, named]))
    assert [file.filename for file in draft.files] == ["notes.txt", "notes.masked.txt", "attachment 3.txt"]
    assert b"John Smith" not in draft.files[1].data and draft.files[0].data == b"Knee arthroscopy, 29881."
    assert "date of birth" in kinds
    long_name = uploads.check("x" * 116 + ".txt", b"MRN 12345678 for 29881")
    assert len(cases.masked(cases.Draft(question="q", files=[long_name]))[0].files[0].filename) <= 120
