"""Mail medcode sends about cases: every message gets a Message-ID recorded before it leaves,
so the answer to it threads back to its case, and is delivered by the task queue.
"""

import logging
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from medcode.consult.models import MailRecord

log = logging.getLogger(__name__)
DELIVERY_ATTEMPTS = 6  # about an hour of back-off before a message is given up


def consult_address():
    """The bare case address, even when the setting carries a display name ("Cases <cases@x>")."""
    return parseaddr(settings.MEDCODE_CONSULT["ADDRESS"])[1] or settings.MEDCODE_CONSULT["ADDRESS"]


def site_url(path=""):
    return settings.MEDCODE_CONSULT["SITE_URL"].rstrip("/") + path


def new_message_id():
    domain = consult_address().rpartition("@")[2] or "localhost"
    return make_msgid("medcode", domain=domain)


def send(kind, to, template, context, *, case=None, answering=None, auto=True):
    """Render consult/email/<template>.txt (first line: subject) and queue it for delivery.

    answering: the Message-ID this mail answers (In-Reply-To); the case's other ids go into References.
    auto: an automatic reply (RFC 3834), which well-behaved mail systems do not answer in turn.
    """
    subject, _, body = render_to_string(f"consult/email/{template}.txt", {
        "case": case, "site": site_url(), "address": consult_address(), **context}).partition("\n")
    subject = " ".join(subject.split())
    if case is not None and case.tag not in subject:
        subject = f"{case.tag} {subject}"
    message_id = new_message_id()
    headers = {"Message-ID": message_id}
    if case is not None:
        # The thread as this recipient's mail program knows it: what they sent and what they got.
        thread = list(case.mail.filter(address__iexact=to).order_by("at", "pk"))
        answering = answering or next((record.message_id for record in reversed(thread)
                                       if record.direction == MailRecord.Direction.IN),
                                      thread[-1].message_id if thread else None)
        if thread:
            ids = [record.message_id for record in thread]
            headers["References"] = " ".join(ids[:1] + ids[1:][-9:])  # the first, then the latest
    if answering:
        headers["In-Reply-To"] = answering
    if auto:
        headers["Auto-Submitted"] = "auto-replied"
    MailRecord.objects.create(message_id=message_id, direction=MailRecord.Direction.OUT, kind=kind, case=case,
                              address=to)
    later(deliver, {"to": to, "subject": subject, "body": body.lstrip("\n"), "headers": headers})
    return message_id


def later(work, *args):
    """Queue a task. The database backend stores it in the caller's transaction, so it runs only if
    the case is saved; with any other backend it is queued once that transaction commits."""
    backend = type(work.get_backend()).__name__
    if backend in {"DatabaseBackend", "ImmediateBackend", "DummyBackend"}:
        work.enqueue(*args)
    else:
        transaction.on_commit(lambda: work.enqueue(*args))


@task()
def deliver(mail, attempt=1):
    """Hand one message to the outbound mail server; on failure try again later, then give up loudly."""
    sender = formataddr(("medcode CaseConsultant", consult_address()))
    message = EmailMessage(mail["subject"], mail["body"], sender, [mail["to"]], headers=mail["headers"],
                           reply_to=[consult_address()])
    try:
        message.send()
    except OSError as error:  # smtplib's errors are OSErrors
        if attempt >= DELIVERY_ATTEMPTS or not deliver.get_backend().supports_defer:
            log.error("giving up on mail %s to %s: %s", mail["headers"]["Message-ID"], mail["to"], error)
            raise
        later = timezone.now() + timedelta(minutes=2 ** attempt)
        deliver.using(run_after=later).enqueue(mail, attempt + 1)
        log.warning("mail to %s failed (%s); trying again at %s", mail["to"], error, later)
