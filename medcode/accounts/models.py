"""Accounts, their plan, the code pages they unlocked, API tokens.

The plan fields mirror what a payment provider's webhook reports (customer,
subscription id, status, period end), so wiring one in later is a view that
updates a Subscription row; until then staff set plans by hand.
"""

import hashlib
import secrets
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An account needs an email address")
        user = self.model(email=self.normalize_email(email).strip(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can log in to the admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.email

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    def active_subscription(self, today=None):
        try:
            subscription = self.subscription
        except Subscription.DoesNotExist:
            return None
        return subscription if subscription.is_active(today) else None


class Subscription(models.Model):
    class Plan(models.TextChoices):
        FREE = "free", "Free"
        SUBSCRIBER = "subscriber", "Subscriber"

    class Interval(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        YEARLY = "yearly", "Yearly"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due (still served until the end date)"
        CANCELED = "canceled", "Canceled"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="subscription")
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    interval = models.CharField(max_length=8, choices=Interval.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    until = models.DateField(null=True, blank=True, help_text="Last day of the paid period.")
    started_at = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    provider = models.CharField(max_length=30, blank=True, help_text="Payment provider, e.g. stripe.")
    provider_customer_id = models.CharField(max_length=100, blank=True)
    provider_subscription_id = models.CharField(max_length=100, blank=True, db_index=True)
    staff_note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} · {self.get_plan_display()}"

    def is_active(self, today=None):
        today = today or timezone.localdate()
        return (self.plan == self.Plan.SUBSCRIBER and self.status != self.Status.CANCELED
                and self.until is not None and self.until >= today)


class CodeView(models.Model):
    """A code page unlocked for a reader in a metering window, or one run of a tool
    (claim line check, fee calculator), which uses a view from the same allowance.

    Guests are known only by a random id kept in their session and a keyed,
    day-salted hash of their network address: no raw address is stored.
    """

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="code_views")
    visitor = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=32, blank=True)
    code = models.ForeignKey("codes.Code", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    tool = models.CharField(max_length=24, blank=True, help_text="set for a tool run, which has no code")
    window = models.DateField(help_text="First day of the metering window.")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "window"], name="codeview_user_window"),
            models.Index(fields=["visitor", "window"], name="codeview_visitor_window"),
            models.Index(fields=["address", "viewed_at"], name="codeview_address_day"),
        ]


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A subscriber's key to the JSON API; only its SHA-256 digest is stored."""

    PREFIX = "mc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    hint = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name):
        """Create a token; the secret is returned once and never stored."""
        secret = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, hint=secret[:10], digest=cls.digest_of(secret))
        return token, secret


class RateBucket(models.Model):
    """Hits on a key in one fixed time window (see ratelimit.py)."""

    bucket_key = models.CharField(max_length=120)
    window_no = models.BigIntegerField(help_text="Unix time // window length.")
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(help_text="Unix time the window ends.", db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket_key", "window_no"], name="ratebucket_key_window")]
