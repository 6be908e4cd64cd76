"""CareerCenter: search and filters, employers and staff, applying, permissions, expiry, alerts."""

import io
import json
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from medcode.careers import alerts, board, geo, search
from medcode.careers.models import Application, Credential, Employer, Job, SavedSearch, Specialty
from tests.factories import docx_bytes, make_user

pytestmark = pytest.mark.django_db


def employer(email="hr@lakeside.example.org", name="Lakeside Health", verified=True):
    user = make_user(email)
    return Employer.objects.create(user=user, name=name, verified_at=timezone.now() if verified else None)


def job(owner, title, zip_code="30301", *, days_ago=1, mode="onsite", pay=(None, None), period="year",
        required=(), specialties=(), description="Code and audit.", status=Job.Status.LIVE, expires_in=20):
    place = geo.place(zip_code)
    now = timezone.now()
    made = Job.objects.create(
        employer=owner, title=title, organisation=owner.name, city=place.city, state=place.state, zip_code=zip_code,
        latitude=place.latitude, longitude=place.longitude, work_mode=mode, employment_type="full_time",
        salary_min=pay[0], salary_max=pay[1], salary_period=period, description=description, status=status,
        posted_at=now - timedelta(days=days_ago), expires_at=now + timedelta(days=expires_in))
    made.required_credentials.set(Credential.objects.filter(code__in=required))
    made.specialties.set(Specialty.objects.filter(slug__in=specialties))
    return made


def titles(**params):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [str(value)])
    return [found.title for found in search.search(search.JobQuery.from_params(query))]


@pytest.fixture
def board_jobs():
    lakeside, remote_co = employer(), employer("jobs@remote.example.com", "Remote Coding Co")
    job(lakeside, "E/M auditor", "30301", days_ago=2, pay=(Decimal("60000"), Decimal("72000")), required=["CPC"],
        specialties=["em", "auditing"], description="Audit **E/M** levels for 40 providers.")
    job(lakeside, "Inpatient DRG coder", "30329", days_ago=10, pay=(Decimal("30"), Decimal("38")), period="hour",
        required=["CCS"], specialties=["inpatient-drg"], description="Validate MS-DRG assignment.")
    job(remote_co, "Remote HCC coder", "10001", days_ago=1, mode="remote", pay=(Decimal("55000"), Decimal("65000")),
        required=["CRC"], specialties=["risk-adjustment", "hcc"], description="Chart review for HCC capture.")
    job(remote_co, "Orthopedic surgery coder", "10001", days_ago=20, mode="hybrid", required=["CPC", "COSC"],
        specialties=["orthopedics"], description="Modifiers 59, XS, RT/LT on ortho cases.")
    job(lakeside, "Expired ED coder", "30301", days_ago=40, expires_in=-1, specialties=["emergency"])
    job(lakeside, "Pending radiology coder", "30301", status=Job.Status.PENDING, specialties=["radiology"])
    return lakeside, remote_co


def test_search_and_filters_combine(board_jobs):
    assert set(titles()) == {"E/M auditor", "Inpatient DRG coder", "Remote HCC coder", "Orthopedic surgery coder"}
    assert titles(q="coder drg") == ["Inpatient DRG coder"]
    assert titles(q="modifiers") == ["Orthopedic surgery coder"]
    assert titles(mode="remote") == ["Remote HCC coder"]
    assert set(titles(mode=["remote", "hybrid"])) == {"Remote HCC coder", "Orthopedic surgery coder"}
    assert set(titles(credential="CPC")) == {"E/M auditor", "Orthopedic surgery coder"}
    assert titles(credential="CPC", mode="onsite") == ["E/M auditor"]
    assert titles(specialty="hcc") == ["Remote HCC coder"]
    # $38 an hour is $79,040 a year: above a $75,000 floor, as the yearly $72,000 is not.
    assert titles(salary="75,000") == ["Inpatient DRG coder"]
    # A state keeps remote jobs, open to every state.
    assert set(titles(state="GA", days=7)) == {"E/M auditor", "Remote HCC coder"}
    assert titles(state="GA", days=7, mode="onsite") == ["E/M auditor"]
    # Near Decatur, GA (30030): the two Atlanta jobs, and the remote one, which is anywhere.
    assert set(titles(zip="30030", radius=25)) == {"E/M auditor", "Inpatient DRG coder", "Remote HCC coder"}
    assert "Orthopedic surgery coder" not in titles(zip="30030", radius=250)
    assert titles(sort="salary")[:2] == ["Inpatient DRG coder", "E/M auditor"]
    assert titles(sort="date") == ["Remote HCC coder", "E/M auditor", "Inpatient DRG coder", "Orthopedic surgery coder"]


def test_bad_filters_are_said_not_fatal(client, board_jobs):
    page = client.get("/careers/?salary=lots&zip=00000&radius=7&mode=<script>").content.decode()
    assert "salary must be a whole number" in page and "00000 is not a US ZIP code" in page
    assert "4 jobs" in page
    echoed = client.get("/careers/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in echoed and "&lt;script&gt;alert(1)" in echoed
    for hostile in ("salary=1e1000000", "salary=Infinity", "days=1000000", "radius=99999999999"):
        assert client.get(f"/careers/?{hostile}").status_code == 200, hostile


def test_search_page_paginates_and_keeps_filters(client, board_jobs):
    lakeside = board_jobs[0]
    for n in range(25):
        job(lakeside, f"Pro-fee coder {n}", "30301", specialties=["em"])
    first = client.get("/careers/?specialty=em&sort=date").content.decode()
    assert "26 jobs" in first and "Page 1 of 2" in first
    assert 'href="?specialty=em&amp;sort=date&amp;page=2"' in first
    second = client.get("/careers/?specialty=em&sort=date&page=2").content.decode()
    assert second.count('class="job"') == 6


def test_expired_and_pending_jobs_leave_search_and_their_pages_say_so(client, board_jobs):
    expired = Job.objects.get(title="Expired ED coder")
    response = client.get(expired.get_absolute_url())
    assert response.status_code == 410 and "This job expired on" in response.content.decode()
    assert "application/ld+json" not in response.content.decode()
    pending = Job.objects.get(title="Pending radiology coder")
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_job_page_carries_job_posting_json_ld(client, board_jobs):
    found = Job.objects.get(title="Inpatient DRG coder")
    page = client.get(found.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "JobPosting" and data["title"] == "Inpatient DRG coder"
    assert data["hiringOrganization"]["name"] == "Lakeside Health"
    assert data["jobLocation"]["address"]["addressRegion"] == "GA"
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "HOUR", "minValue": 30.0,
                                           "maxValue": 38.0}
    remote = client.get(Job.objects.get(title="Remote HCC coder").get_absolute_url()).content.decode()
    assert '"jobLocationType": "TELECOMMUTE"' in remote


def test_markdown_descriptions_are_sanitised(client, board_jobs):
    found = job(board_jobs[0], "Coder", description="**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
                "<img src=x onerror=alert(1)>")
    page = client.get(found.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page


def test_employer_posts_staff_approve_and_spam_is_limited(settings):
    settings.MEDCODE_JOB_POSTS_DAILY = 2
    client = Client()
    user = make_user("hr@new.example.org")
    client.force_login(user)
    assert client.get("/careers/employer/")["Location"] == "/careers/employer/register/"
    client.post("/careers/employer/register/", {"name": "New Clinic", "state": "TX"})
    owner = Employer.objects.get(user=user)
    form = {"title": "Billing coder", "organisation": "New Clinic", "zip_code": "78701", "work_mode": "onsite",
            "employment_type": "full_time", "years_experience": 2, "salary_period": "year", "salary_min": "45000",
            "description": "Charge entry and coding.", "specialties": [Specialty.objects.get(slug="em").pk]}
    page = client.post("/careers/employer/jobs/new/", form).content.decode()
    assert "waiting for verification" in page and not Job.objects.exists()

    staff = Client()
    staff.force_login(make_user("staff@medcode.example", verified=True))
    assert staff.get("/careers/review/").status_code == 302, "only staff review"
    admin = make_user("admin@medcode.example")
    admin.is_staff = True
    admin.save()
    staff.force_login(admin)
    staff.post("/careers/review/", {"kind": "employer", "pk": owner.pk, "action": "verify"})
    assert "is verified" in mail.outbox[-1].subject

    assert client.post("/careers/employer/jobs/new/", form).status_code == 302
    posted = Job.objects.get()
    assert posted.status == "pending" and posted.city == "Austin" and posted.state == "TX"
    assert "Billing coder" not in titles()
    staff.post("/careers/review/", {"kind": "job", "pk": posted.pk, "action": "approve"})
    assert titles() == ["Billing coder"] and "is live" in mail.outbox[-1].subject

    client.post("/careers/employer/jobs/new/", {**form, "title": "Second"})
    page = client.post("/careers/employer/jobs/new/", {**form, "title": "Third"}).content.decode()
    assert "At most 2 jobs a day" in page and Job.objects.count() == 2


def test_employer_closes_and_renews(board_jobs):
    lakeside = board_jobs[0]
    client = Client()
    client.force_login(lakeside.user)
    auditor = Job.objects.get(title="E/M auditor")
    client.post(f"/careers/employer/jobs/{auditor.pk}/close/")
    assert "E/M auditor" not in titles()
    expired = Job.objects.get(title="Expired ED coder")
    client.post(f"/careers/employer/jobs/{expired.pk}/renew/")
    expired.refresh_from_db()
    assert expired.is_live() and expired.expires_at > timezone.now() + timedelta(days=29)


def test_apply_with_a_checked_resume_and_follow_the_status(board_jobs):
    coder = Client()
    coder.force_login(make_user("jane@coder.example"))
    auditor = Job.objects.get(title="E/M auditor")
    url = f"/careers/apply/{auditor.pk}/"
    page = coder.post(url, {"resume": SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\0" * 100)}).content.decode()
    assert "cv.pdf is a Windows program" in page
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 20
    assert "send a PDF or DOCX" in coder.post(url, {"resume": SimpleUploadedFile("cv.png", png)}).content.decode()
    assert not Application.objects.exists()

    coder.post(url, {"resume": SimpleUploadedFile("cv.docx", docx_bytes()), "note": "I audit E/M daily."})
    application = Application.objects.get()
    assert application.status == "received" and application.resume_name == "cv.docx"
    assert mail.outbox[-1].to == ["hr@lakeside.example.org"]
    coder.post(url, {"resume": SimpleUploadedFile("cv.docx", docx_bytes())})
    assert Application.objects.count() == 1, "one application per job"

    hr = Client()
    hr.force_login(board_jobs[0].user)
    listing = hr.get(f"/careers/employer/jobs/{auditor.pk}/applicants/").content.decode()
    assert "jane@coder.example" in listing and "I audit E/M daily." in listing
    hr.post(f"/careers/employer/jobs/{auditor.pk}/applicants/", {"application": application.pk, "status": "interview"})
    assert "Interview" in mail.outbox[-1].subject and mail.outbox[-1].to == ["jane@coder.example"]
    mine = coder.get("/careers/applications/").content.decode()
    assert re.search(r'class="status">Interview', mine)


def test_employers_and_others_never_see_what_is_not_theirs(board_jobs):
    lakeside, remote_co = board_jobs
    auditor = Job.objects.get(title="E/M auditor")
    applicant = make_user("jane@coder.example")
    application = board.apply(auditor, applicant, _checked_resume(), "")
    other_employer, other_coder, staff = Client(), Client(), Client()
    other_employer.force_login(remote_co.user)
    other_coder.force_login(make_user("sam@coder.example"))
    admin = make_user("admin@medcode.example")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    staff.force_login(admin)
    resume = f"/careers/resumes/{application.pk}/"
    for client in (other_employer, other_coder, staff, Client()):
        assert client.get(resume).status_code in (302, 404)
        assert b"Ten years" not in client.get(resume).content
    for url in (f"/careers/employer/jobs/{auditor.pk}/applicants/", f"/careers/employer/jobs/{auditor.pk}/edit/"):
        assert other_employer.get(url).status_code == 404
    assert other_employer.post(f"/careers/employer/jobs/{auditor.pk}/applicants/",
                               {"application": application.pk, "status": "hired"}).status_code == 404
    assert other_employer.post(f"/careers/employer/jobs/{auditor.pk}/close/").status_code == 404
    application.refresh_from_db()
    assert application.status == "received"
    owner, me = Client(), Client()
    owner.force_login(lakeside.user)
    me.force_login(applicant)
    assert owner.get(resume).status_code == 200 and me.get(resume).status_code == 200
    assert b"Ten years" in zipfile.ZipFile(io.BytesIO(owner.get(resume).content)).read("word/document.xml")


def _checked_resume():
    from medcode.common import uploads

    return uploads.check("cv.docx", docx_bytes())


def test_saved_search_alerts_by_email_with_unsubscribe_and_atom(board_jobs):
    coder = make_user("jane@coder.example")
    client = Client()
    client.force_login(coder)
    client.post("/careers/alerts/", {"name": "Remote jobs", "frequency": "daily", "mode": ["remote"]})
    saved = SavedSearch.objects.get()
    assert saved.query == {"mode": ["remote"]}
    SavedSearch.objects.update(last_sent_at=timezone.now() - timedelta(days=2))
    mail.outbox.clear()

    assert alerts.send_alerts.call() == 1
    alert = mail.outbox[0]
    assert alert.to == ["jane@coder.example"] and "Remote HCC coder" in alert.body
    assert "E/M auditor" not in alert.body
    unsubscribe = re.search(r"http://\S+/careers/alerts/(\S+)/unsubscribe/", alert.body).group(0)
    assert alert.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    # Due again a day later, but nothing went live since the last email.
    remote = Job.objects.get(title="Remote HCC coder")
    SavedSearch.objects.update(last_sent_at=remote.posted_at + timedelta(minutes=1))
    assert alerts.send_alerts.call() == 0, "nothing new since the last email"

    feed = Client().get(f"/careers/alerts/{saved.token}/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"<title>Remote HCC coder" in feed.content and b"E/M auditor" not in feed.content

    path = unsubscribe.split("127.0.0.1:8000")[1]
    assert "Stop the daily email" in Client().get(path).content.decode()
    Client(enforce_csrf_checks=True).post(path)  # one-click, from the mail provider: no session, no CSRF token
    saved.refresh_from_db()
    assert not saved.active
    SavedSearch.objects.update(last_sent_at=timezone.now() - timedelta(days=2))
    assert alerts.send_alerts.call() == 0


def test_an_edited_live_job_goes_back_to_staff_and_expiry_counts_from_approval(board_jobs, settings):
    lakeside = board_jobs[0]
    client = Client()
    client.force_login(lakeside.user)
    auditor = Job.objects.get(title="E/M auditor")
    form = {"title": "E/M auditor", "organisation": "Lakeside Health", "zip_code": "30301", "work_mode": "onsite",
            "employment_type": "full_time", "years_experience": 3, "salary_period": "year", "salary_min": "60000",
            "salary_max": "72000", "description": "Apply at our new portal!", "apply_url": "https://phish.example"}
    client.post(f"/careers/employer/jobs/{auditor.pk}/edit/", form)
    auditor.refresh_from_db()
    assert auditor.status == "pending" and "E/M auditor" not in titles()
    assert Client().get(auditor.get_absolute_url()).status_code == 404
    page = client.post(f"/careers/employer/jobs/{auditor.pk}/edit/", {**form, "salary_period": "hour"})
    assert "must be between $7 and $300" in page.content.decode()

    waited = job(lakeside, "Waited in the queue", status=Job.Status.PENDING)
    Job.objects.filter(pk=waited.pk).update(expires_at=timezone.now() + timedelta(days=5))
    waited.refresh_from_db()
    board.approve(waited, make_user("admin@medcode.example"))
    assert waited.expires_at > timezone.now() + timedelta(days=settings.MEDCODE_JOB_DAYS - 1)
    board.renew(waited)
    board.renew(waited)
    board.renew(waited)
    assert waited.expires_at <= timezone.now() + timedelta(days=90)


def test_unapproved_jobs_and_other_jobs_applications_stay_hidden(board_jobs):
    lakeside, remote_co = board_jobs
    pending = Job.objects.get(title="Pending radiology coder")
    coder = Client()
    coder.force_login(make_user("jane@coder.example"))
    response = coder.post(f"/careers/apply/{pending.pk}/", {})
    assert response.status_code == 404 and b"Pending radiology" not in response.content
    theirs = board.apply(Job.objects.get(title="Remote HCC coder"), make_user("sam@coder.example"),
                         _checked_resume(), "")
    own = Client()
    own.force_login(lakeside.user)
    auditor = Job.objects.get(title="E/M auditor")
    response = own.post(f"/careers/employer/jobs/{auditor.pk}/applicants/", {"application": theirs.pk,
                                                                             "status": "declined"})
    assert response.status_code == 404
    assert own.post(f"/careers/employer/jobs/{auditor.pk}/applicants/", {"application": "abc"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "received"
