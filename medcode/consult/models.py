"""Cases sent to a consultant, their thread, and the mail that carried them.

Every Message-ID medcode received or sent is a MailRecord: a duplicate delivery
is recognised by it, and a reply is threaded by its In-Reply-To or References.
A message that could not be turned into a case is kept whole as a DeadLetter.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from medcode.codes import systems


def _token():
    return secrets.token_urlsafe(32)


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the consultant"
        ANSWERED = "answered", "Answered"

    class Via(models.TextChoices):
        WEB = "web", "Web form"
        EMAIL = "email", "Email"

    CODE_SETS = [("", "Any / not sure"), *systems.CHOICES]

    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consult_cases")
    subject = models.CharField(max_length=200)
    code_set = models.CharField(max_length=10, choices=CODE_SETS, blank=True)
    specialty = models.CharField(max_length=80, blank=True)
    codes_chosen = models.CharField(max_length=300, blank=True, help_text="Codes the coder already chose.")
    via = models.CharField(max_length=5, choices=Via.choices, default=Via.WEB)
    plan = models.CharField(max_length=12, help_text="The submitter's plan when the case was opened.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    phi_masked = models.JSONField(default=list, blank=True,
                                  help_text="Kinds of likely patient identifiers masked in this case's text.")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="claimed_cases")
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="When the plan promises an answer.")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("answer_case", "Can work the CaseConsultant queue")]
        indexes = [models.Index(fields=["status", "due_at"], name="case_queue")]

    def __str__(self):
        return f"Case {self.number}: {self.subject}"

    @property
    def number(self):
        return self.pk

    @property
    def tag(self):
        """What the subject of every email about the case carries, so a reply finds its way back."""
        return f"[medcode case #{self.pk}]"

    def get_absolute_url(self):
        return reverse("consult:case", args=[self.pk])

    def is_overdue(self, now=None):
        return self.status == self.Status.OPEN and self.due_at < (now or timezone.now())


class Message(models.Model):
    class Role(models.TextChoices):
        SUBMITTER = "submitter", "Submitter"
        CONSULTANT = "consultant", "Consultant"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    body = models.TextField()
    documentation = models.TextField(blank=True, help_text="De-identified documentation the submitter pasted.")
    via = models.CharField(max_length=5, choices=Case.Via.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class Attachment(models.Model):
    """A file kept in the database: backed up with the case, served only to who may read it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    scanned = models.BooleanField(default=True, help_text="Its text was read by the PHI guard (images are not).")


class Note(models.Model):
    """A consultant's internal note: never shown or sent to the submitter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class MailRecord(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    message_id = models.CharField(max_length=255, unique=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, help_text="What it was: case, message, ack, reply, unregistered …")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="mail")
    address = models.EmailField(blank=True, help_text="The sender (received) or recipient (sent).")
    at = models.DateTimeField(default=timezone.now)


class DeadLetter(models.Model):
    """A received message medcode could not turn into a case, kept byte for byte to retry."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        DONE = "done", "Retried: delivered"
        DISCARDED = "discarded", "Discarded"

    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    source = models.CharField(max_length=10, help_text="smtp or imap")
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveSmallIntegerField(default=1)
    received_at = models.DateTimeField(default=timezone.now)
    last_tried_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]


class AuditEvent(models.Model):
    """Who saw or did what to a case, or to the dead letters."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=20)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]


class PendingCase(models.Model):
    """A new case by email whose sender medcode could not authenticate (senders.py): it waits, whole,
    until the account holder confirms it through the link sent to the account's own address, so a
    forged From header can neither open a case in someone's name nor spend their quota."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        DISCARDED = "discarded", "Discarded"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_cases")
    token = models.CharField(max_length=64, unique=True, default=_token)
    message_id = models.CharField(max_length=255, unique=True)
    raw = models.BinaryField()
    why = models.CharField(max_length=300, help_text="why the sender was not authenticated")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def expires_at(self):
        return self.created_at + timedelta(days=settings.MEDCODE_CONSULT["CONFIRM_DAYS"])

    def get_absolute_url(self):
        return reverse("consult:confirm", args=[self.token])
