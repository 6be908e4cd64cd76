"""What happens on the job board: employers verified, jobs posted, approved, closed and renewed,
applications made and moved along. Views and commands call these; tests call them directly."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from medcode.accounts import ratelimit
from medcode.careers.models import Application, Job


class BoardError(Exception):
    pass


def post(employer, form, expires_on=None):
    """A new job from the employer's form, waiting for staff approval."""
    if not employer.is_verified:
        raise BoardError("Your employer account is waiting for verification by medcode staff.")
    allowed, _ = ratelimit.hit(f"job-post:{employer.pk}", settings.MEDCODE_JOB_POSTS_DAILY, 24 * 3600)
    if not allowed:
        raise BoardError(f"At most {settings.MEDCODE_JOB_POSTS_DAILY} jobs a day: post again tomorrow.")
    job = form.save(commit=False)
    job.employer, job.status = employer, Job.Status.PENDING
    job.expires_at = _end_of(expires_on) if expires_on else timezone.now() + timedelta(days=settings.MEDCODE_JOB_DAYS)
    job.save()
    form.save_m2m()
    return job


def approve(job, staff, now=None):
    now = now or timezone.now()
    job.status, job.posted_at, job.review_note = Job.Status.LIVE, now, ""
    job.expires_at = max(job.expires_at, now + timedelta(days=1))
    job.save()
    send_mail(f"Your job is live: {job.title}", f"“{job.title}” is on medcode CareerCenter until "
              f"{timezone.localtime(job.expires_at):%B %-d, %Y}.\n\n{_site()}{job.get_absolute_url()}\n",
              None, [job.employer.user.email])
    return job


def reject(job, staff, note):
    job.status, job.review_note = Job.Status.REJECTED, note[:300]
    job.save(update_fields=["status", "review_note"])
    send_mail(f"Your job was not approved: {job.title}",
              f"medcode staff did not approve “{job.title}”: {note}\n\nEdit it and it goes back for review.\n",
              None, [job.employer.user.email])


def verify_employer(employer, staff):
    employer.verified_at, employer.verified_by = timezone.now(), staff
    employer.save(update_fields=["verified_at", "verified_by"])
    send_mail("Your employer account is verified", f"{employer.name} can now post jobs on medcode CareerCenter: "
              f"{_site()}/careers/employer/\n", None, [employer.user.email])


def close(job):
    job.status = Job.Status.CLOSED
    job.save(update_fields=["status"])


def renew(job, now=None):
    """Another MEDCODE_JOB_DAYS from now (or from its end, if later); a closed job goes back for approval."""
    now = now or timezone.now()
    job.expires_at = max(job.expires_at, now) + timedelta(days=settings.MEDCODE_JOB_DAYS)
    if job.status in (Job.Status.CLOSED, Job.Status.REJECTED):
        job.status = Job.Status.PENDING
    job.save()
    return job


def edited(job, expires_on=None):
    """An edited live job stays live; a rejected one goes back to the queue."""
    if expires_on:
        job.expires_at = _end_of(expires_on)
    if job.status == Job.Status.REJECTED:
        job.status = Job.Status.PENDING
    job.save(update_fields=["status", "expires_at"])


def apply(job, user, resume, note):
    if not job.is_live():
        raise BoardError("This job is no longer taking applications.")
    if job.apply_url:
        raise BoardError("This employer takes applications on its own site.")
    allowed, _ = ratelimit.hit(f"job-apply:{user.pk}", settings.MEDCODE_JOB_APPLICATIONS_DAILY, 24 * 3600)
    if not allowed:
        raise BoardError(f"At most {settings.MEDCODE_JOB_APPLICATIONS_DAILY} applications a day.")
    try:
        with transaction.atomic():
            application = Application.objects.create(job=job, applicant=user, note=note, resume=resume.data,
                                                     resume_name=resume.filename, resume_type=resume.content_type)
    except IntegrityError:
        raise BoardError("You have already applied to this job.")
    send_mail(f"New applicant for {job.title}", f"{user.email} applied to “{job.title}”.\n\n"
              f"{_site()}/careers/employer/jobs/{job.pk}/applicants/\n", None, [job.employer.user.email])
    return application


def move(application, status):
    application.status, application.updated_at = status, timezone.now()
    application.save(update_fields=["status", "updated_at"])
    send_mail(f"Your application for {application.job.title}: {application.get_status_display()}",
              f"{application.job.organisation} moved your application for “{application.job.title}” to "
              f"{application.get_status_display().lower()}.\n\n{_site()}/careers/applications/\n",
              None, [application.applicant.email])


def _end_of(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _site():
    return settings.MEDCODE_CONSULT["SITE_URL"].rstrip("/")
