import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_token():
    return secrets.token_urlsafe(24)


class BatchReport(models.Model):
    """The report of one checked file, kept for its owner to download for a few hours.

    The uploaded file itself is never stored. The report holds claim identifiers, codes, ages and
    findings, which a billing office treats as PHI: it is deleted MEDCODE_SCRUBBER_KEEP_HOURS after
    it was made (by the next batch, any read of it, and the worker's daily purge).
    """

    token = models.CharField(max_length=40, unique=True, default=new_token)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    name = models.CharField(max_length=200)
    claims = models.PositiveIntegerField(default=0)
    report = models.JSONField()  # batch.as_json

    @classmethod
    def purge(cls, now=None):
        """Delete the reports past their time; returns how many."""
        cutoff = (now or timezone.now()) - timedelta(hours=settings.MEDCODE_SCRUBBER_KEEP_HOURS)
        return cls.objects.filter(created__lt=cutoff).delete()[0]

    @property
    def expires(self):
        return self.created + timedelta(hours=settings.MEDCODE_SCRUBBER_KEEP_HOURS)
