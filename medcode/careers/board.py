"""What happens on the job board: employers verified, jobs posted, approved, closed and renewed,
applications made and moved along. Views and commands call these; tests call them directly."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from medcode.accounts import ratelimit
from medcode.careers.models import Application, Job
from medcode.common import mail

MAX_DAYS = 90  # the longest a job stays up from today


class BoardError(Exception):
    pass


def email(to, template, **context):
    """Mail to an employer or applicant: careers/email/<template>.txt, through the task queue."""
    mail.send(to, f"careers/email/{template}.txt", context)


def post(employer, form, expires_on=None):
    """A new job from the employer's form, waiting for staff approval."""
    if not employer.is_verified:
        raise BoardError("Your employer account is waiting for verification by medcode staff.")
    allowed, _ = ratelimit.hit(f"job-post:{employer.pk}", settings.MEDCODE_JOB_POSTS_DAILY, 24 * 3600)
    if not allowed:
        raise BoardError(f"At most {settings.MEDCODE_JOB_POSTS_DAILY} jobs a day: post again tomorrow.")
    job = form.save(commit=False)
    job.employer, job.status, job.expires_chosen = employer, Job.Status.PENDING, bool(expires_on)
    job.expires_at = _end_of(expires_on) if expires_on else timezone.now() + timedelta(days=settings.MEDCODE_JOB_DAYS)
    job.save()
    form.save_m2m()
    return job


def approve(job, staff, now=None):
    now = now or timezone.now()
    job.status, job.posted_at, job.review_note = Job.Status.LIVE, now, ""
    if not job.expires_chosen:  # the 30 days count from going live, not from the wait in the queue
        job.expires_at = now + timedelta(days=settings.MEDCODE_JOB_DAYS)
    job.expires_at = max(job.expires_at, now + timedelta(days=1))
    job.save()
    email(job.employer.user.email, "job_live", job=job, expires=job.expires_at,
          job_link=mail.site_url(job.get_absolute_url()))
    return job


def reject(job, staff, note):
    job.status, job.review_note = Job.Status.REJECTED, note[:300]
    job.save(update_fields=["status", "review_note"])
    email(job.employer.user.email, "job_rejected", job=job, note=note)


def verify_employer(employer, staff):
    employer.verified_at, employer.verified_by = timezone.now(), staff
    employer.save(update_fields=["verified_at", "verified_by"])
    email(employer.user.email, "employer_verified", employer=employer, employer_link=mail.link("careers:employer"))


def close(job):
    job.status = Job.Status.CLOSED
    job.save(update_fields=["status"])


def renew(job, now=None):
    """Another MEDCODE_JOB_DAYS from now (or from its end, if later), never past MAX_DAYS from now;
    a closed job goes back for approval."""
    now = now or timezone.now()
    job.expires_at = min(max(job.expires_at, now) + timedelta(days=settings.MEDCODE_JOB_DAYS),
                         now + timedelta(days=MAX_DAYS))
    if job.status in (Job.Status.CLOSED, Job.Status.REJECTED):
        job.status = Job.Status.PENDING
    job.save()
    return job


def edited(job, changed, expires_on=None):
    """A rejected job, or a live one whose content changed, goes back to staff: approval must cover
    what coders read. Changing only the end date keeps a job live."""
    if expires_on:
        job.expires_at, job.expires_chosen = _end_of(expires_on), True
    content = set(changed) - {"expires_on"}
    if job.status == Job.Status.REJECTED or (job.status == Job.Status.LIVE and content):
        job.status = Job.Status.PENDING
    job.save(update_fields=["status", "expires_at", "expires_chosen"])
    return job


def apply(job, user, resume, note):
    if job.employer.user_id == user.pk:
        raise BoardError("You cannot apply to your own job.")
    if not job.is_live():
        raise BoardError("This job is no longer taking applications.")
    if job.apply_url:
        raise BoardError("This employer takes applications on its own site.")
    allowed, _ = ratelimit.hit(f"job-apply:{user.pk}", settings.MEDCODE_JOB_APPLICATIONS_DAILY, 24 * 3600)
    if not allowed:
        raise BoardError(f"At most {settings.MEDCODE_JOB_APPLICATIONS_DAILY} applications a day.")
    if job.applications.filter(applicant=user).exists():
        raise BoardError("You have already applied to this job.")
    try:
        with transaction.atomic():
            application = Application.objects.create(job=job, applicant=user, note=note, resume=resume.data,
                                                     resume_name=resume.filename, resume_type=resume.content_type)
    except IntegrityError:  # the same application sent twice at once
        raise BoardError("You have already applied to this job.")
    email(job.employer.user.email, "new_applicant", job=job, applicant=user,
          applicants_link=mail.link("careers:applicants", pk=job.pk))
    return application


def move(application, status):
    application.status, application.updated_at = status, timezone.now()
    application.save(update_fields=["status", "updated_at"])
    email(application.applicant.email, "application_moved", application=application,
          applications_link=mail.link("careers:applications"))


def _end_of(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59)))
