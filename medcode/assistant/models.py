from django.conf import settings
from django.db import models


class Conversation(models.Model):
    """A logged-in reader's questions to CasePilot, kept until they delete it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    def context_codes(self):
        """The codes the last answer was about: a follow-up question is about them."""
        last = self.turns.order_by("-pk").first()
        return last.codes if last else []


class Turn(models.Model):
    """One question and the answer given, with its cited facts as shown."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    question = models.TextField()
    answer = models.TextField()
    facts = models.JSONField(default=list, help_text='[{"text", "label", "url"}]: each sentence and its source')
    codes = models.JSONField(default=list, help_text="[[system, code]] the answer is about")
    engine = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
