"""CareerCenter: employers (verified by staff), their jobs (live after approval, until they
expire), coders' applications, and saved searches that send alerts.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from medcode.codes import systems

HOURS_A_YEAR = 2080  # to compare hourly and yearly pay


class Employer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer")
    name = models.CharField(max_length=150)
    website = models.URLField(blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    about = models.TextField(blank=True, max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    def __str__(self):
        return self.name

    @property
    def is_verified(self):
        return self.verified_at is not None


class Credential(models.Model):
    """The managed list of certifications (CPC, CCS, RHIT …), kept by staff in the admin."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class Specialty(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self):
        return self.name


class JobQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(status=Job.Status.LIVE, expires_at__gt=now or timezone.now())


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        LIVE = "live", "Live"
        REJECTED = "rejected", "Not approved"
        CLOSED = "closed", "Closed"

    class WorkMode(models.TextChoices):
        REMOTE = "remote", "Remote"
        HYBRID = "hybrid", "Hybrid"
        ONSITE = "onsite", "On-site"

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        TEMPORARY = "temporary", "Temporary"
        PER_DIEM = "per_diem", "Per diem"

    class SalaryPeriod(models.TextChoices):
        HOUR = "hour", "an hour"
        YEAR = "year", "a year"

    CODE_SETS = [*systems.CHOICES, ("drg", "MS-DRG / APR-DRG"), ("hcc", "HCC risk adjustment")]

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    work_mode = models.CharField(max_length=8, choices=WorkMode.choices)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices)
    required_credentials = models.ManyToManyField(Credential, blank=True, related_name="required_by")
    preferred_credentials = models.ManyToManyField(Credential, blank=True, related_name="preferred_by")
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="jobs")
    code_sets = models.JSONField(default=list, blank=True)
    years_experience = models.PositiveSmallIntegerField(default=0)
    salary_min = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    salary_period = models.CharField(max_length=4, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR)
    yearly_pay = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, db_index=True,
                                     help_text="The top of the range, yearly: what the salary filter and sort use.")
    description = models.TextField(max_length=20000, help_text="Markdown.")
    apply_url = models.URLField(blank=True, help_text="Empty: coders apply on medcode.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    posted_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="When it went live.")
    expires_at = models.DateTimeField()
    expires_chosen = models.BooleanField(default=False, help_text="The employer chose the end date; "
                                                                  "otherwise it is set from approval.")
    review_note = models.CharField(max_length=300, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="job_live")]

    def __str__(self):
        return f"{self.title} · {self.organisation}"

    def save(self, *args, **kwargs):
        top = self.salary_max or self.salary_min
        self.yearly_pay = None if top is None else (
            top * HOURS_A_YEAR if self.salary_period == self.SalaryPeriod.HOUR else top)
        if self.expires_at is None:
            self.expires_at = timezone.now() + timedelta(days=settings.MEDCODE_JOB_DAYS)
        if self.status == self.Status.LIVE and self.posted_at is None:  # made live in the admin, say
            self.posted_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("careers:job", args=[self.pk, slugify(self.title)[:60] or "job"])

    def is_live(self, now=None):
        return self.status == self.Status.LIVE and self.expires_at > (now or timezone.now())

    def is_expired(self, now=None):
        return self.expires_at <= (now or timezone.now())

    @property
    def location(self):
        place = ", ".join(filter(None, [self.city, self.state]))
        return place or "United States"


class Application(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        REVIEWING = "reviewing", "Reviewing"
        INTERVIEW = "interview", "Interview"
        DECLINED = "declined", "Declined"
        HIRED = "hired", "Hired"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    note = models.TextField(blank=True, max_length=5000)
    resume_name = models.CharField(max_length=120)
    resume_type = models.CharField(max_length=100)
    resume = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "applicant"], name="one_application_per_job")]
        ordering = ["-created_at"]


class SavedSearch(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=120)
    query = models.JSONField(help_text="The search page's parameters.")
    frequency = models.CharField(max_length=6, choices=Frequency.choices, default=Frequency.DAILY)
    token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe,
                             help_text="In the feed and unsubscribe links: no log-in needed for those.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name
