"""Every email medcode sends goes through here: rendered from a template whose first line is the
subject, links built with reverse() on MEDCODE_SITE_URL, and delivered by the task queue with
retries, so a request never waits on the mail server and a failing server loses nothing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)
DELIVERY_ATTEMPTS = 6  # about an hour of back-off before a message is given up


def site_url(path=""):
    return settings.MEDCODE_SITE_URL.rstrip("/") + path


def link(viewname, *args, **kwargs):
    """An absolute link for an email: the site address and the reversed path."""
    return site_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


def render(template, context):
    """(subject, body) of a mail template: its first line is the subject, the rest the body."""
    subject, _, body = render_to_string(template, {"site": site_url(), **context}).partition("\n")
    return " ".join(subject.split()), body.lstrip("\n")


def send(to, template, context, **envelope):
    """Render a mail template and queue it for delivery to one address (see queue for envelope)."""
    subject, body = render(template, context)
    queue(to, subject, body, **envelope)


def queue(to, subject, body, *, sender=None, reply_to=None, headers=None):
    """Queue one message. sender: the From header (default DEFAULT_FROM_EMAIL); headers: extra
    headers such as Message-ID or List-Unsubscribe. Subjects never carry line breaks."""
    later(deliver, {"to": to, "subject": " ".join(subject.split()), "body": body, "from": sender,
                    "reply_to": reply_to, "headers": headers or {}})


def later(work, *args):
    """Queue a task. The database backend stores it in the caller's transaction, so it runs only if
    the caller's writes are saved; with any other backend it is queued once that transaction commits."""
    backend = type(work.get_backend()).__name__
    if backend in {"DatabaseBackend", "ImmediateBackend", "DummyBackend"}:
        work.enqueue(*args)
    else:
        transaction.on_commit(lambda: work.enqueue(*args))


@task()
def deliver(mail, attempt=1):
    """Hand one message to the outbound mail server; on failure try again later, then give up loudly."""
    message = EmailMessage(mail["subject"], mail["body"], mail.get("from"), [mail["to"]],
                           headers=mail.get("headers") or {}, reply_to=mail.get("reply_to") or None)
    try:
        message.send()
    except OSError as error:  # smtplib's errors are OSErrors
        name = (mail.get("headers") or {}).get("Message-ID", mail["subject"])
        if attempt >= DELIVERY_ATTEMPTS or not deliver.get_backend().supports_defer:
            log.error("giving up on mail %s to %s: %s", name, mail["to"], error)
            raise
        retry_at = timezone.now() + timedelta(minutes=2 ** attempt)
        deliver.using(run_after=retry_at).enqueue(mail, attempt + 1)
        log.warning("mail to %s failed (%s); trying again at %s", mail["to"], error, retry_at)
